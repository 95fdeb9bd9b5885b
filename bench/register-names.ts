/**
 * Grocery-like product names for the register benchmark (bench/register.ts): brand, item and
 * size, so that search as you type has prefixes, words and misses to tell apart, unlike the
 * checkout dataset's "Product 000123". Deterministic: product i always gets the same name.
 */
const BRANDS = ['Alpina', 'Nordhof', 'Bellavista', 'Greenfield', 'Sonnberg', 'Kruger', 'Maison Blanc', 'Rivera', 'Tokai', 'Baltica', 'Hofgut', 'Sunny Day']
const ITEMS = [
  'Milk', 'Whole Milk', 'Oat Drink', 'Butter', 'Greek Yoghurt', 'Cheddar', 'Gouda', 'Mozzarella', 'Sourdough Bread', 'Baguette',
  'Croissants', 'Organic Bananas', 'Apples Braeburn', 'Cherry Tomatoes', 'Tomato Passata', 'Potatoes', 'Red Onions', 'Coffee Beans', 'Ground Coffee', 'Green Tea',
  'Dark Chocolate', 'Milk Chocolate', 'Butter Biscuits', 'Spaghetti', 'Penne', 'Basmati Rice', 'Olive Oil', 'Sunflower Oil', 'Ketchup', 'Mustard',
  'Smoked Salmon', 'Tuna in Olive Oil', 'Chicken Breast', 'Cooked Ham', 'Salami', 'Orange Juice', 'Apple Juice', 'Sparkling Water', 'Lager Beer', 'Red Wine',
  'Shampoo', 'Toothpaste', 'Hand Soap', 'Laundry Detergent', 'Kitchen Towels', 'Muesli', 'Cornflakes', 'Honey', 'Strawberry Jam', 'Peanut Butter',
]
const SIZES = ['100 g', '250 g', '500 g', '1 kg', '0.5 L', '1 L', '1.5 L', '6 × 0.33 L', 'family pack', '2 × 200 g']

export function productName(i: number): string {
  const brand = BRANDS[i % BRANDS.length]
  const item = ITEMS[Math.floor(i / BRANDS.length) % ITEMS.length]
  const size = SIZES[Math.floor(i / (BRANDS.length * ITEMS.length)) % SIZES.length]
  return `${brand} ${item} ${size}`
}

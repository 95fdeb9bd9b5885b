/** The landing page: the register, and the API until the back office exists. */
export function homePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Patron</title>
<style>
  :root { color-scheme: light; --ink:#14213d; --muted:#5c677d; --brand:#0f766e; --line:#e5e7eb; }
  * { box-sizing: border-box }
  body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background:#f8fafc }
  main { max-width: 720px; margin: 64px auto; padding: 0 24px }
  h1 { font-size: 40px; margin: 0 0 4px; letter-spacing: -0.02em }
  h1 span { color: var(--brand) }
  p.lead { color: var(--muted); margin: 0 0 32px; font-size: 18px }
  .cards { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)) }
  a.card { display:block; padding: 20px; border:1px solid var(--line); border-radius: 12px; background:#fff; text-decoration:none; color: inherit }
  a.card:hover, a.card:focus { border-color: var(--brand); outline: none; box-shadow: 0 0 0 3px #0f766e22 }
  a.card strong { display:block; font-size: 18px; margin-bottom: 4px }
  a.card small { color: var(--muted) }
  a.card.primary { grid-column: 1 / -1; background: var(--brand); border-color: var(--brand); color: #fff }
  a.card.primary small { color: #d5efeb }
  a.card.primary:hover, a.card.primary:focus { background: #0b5f58 }
  footer { margin-top: 40px; color: var(--muted); font-size: 14px }
</style></head>
<body><main>
  <h1><span>Patron</span> point of sale</h1>
  <p class="lead">Register, loyalty program and API in one system. Open the register on a till, or build on the API; the back office is on its way.</p>
  <div class="cards">
    <a class="card primary" href="/register/"><strong>Open the register</strong><small>Sell, find and enrol members, take payment, refunds and the cash drawer. A manager sets up the till once; cashiers sign in with their PIN.</small></a>
    <a class="card" href="/api/docs"><strong>API documentation</strong><small>Every endpoint, try it in the browser</small></a>
    <a class="card" href="/api/openapi.json"><strong>OpenAPI document</strong><small>For code generators and integrations</small></a>
    <a class="card" href="/api/health"><strong>Health</strong><small>Server and database status</small></a>
  </div>
  <footer>Create an API key with <code>npx patron apikey create --name shop --scopes sales:write,customers:write</code></footer>
</main></body></html>`
}

// Fan-out benchmark client: N stock y-websocket clients in one room; together they send `rate`
// node moves per second, round-robin; every other client records how long each move took to
// arrive. Prints one JSON line of figures. Usage:
//   node fanout.mjs <serverUrl[,serverUrl...]> <room> <token|-> <clients> <rate> <seconds>
// With several server URLs the clients are spread over them round-robin.
import { performance } from 'node:perf_hooks'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

globalThis.WebSocket = WebSocket
process.setMaxListeners(0) // every provider adds an exit listener

const [serverUrls, room, token, clientsArg, rateArg, secondsArg] = process.argv.slice(2)
const servers = serverUrls.split(',')
const clientCount = Number(clientsArg ?? 50)
const rate = Number(rateArg ?? 20)
const seconds = Number(secondsArg ?? 15)
const warmupSeconds = 2
const params = token && token !== '-' ? { token } : {}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const latencies = []
let deliveries = 0
let measuring = false
let measureFrom = Infinity
const clients = []
const closes = []

for (let index = 0; index < clientCount; index++) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(servers[index % servers.length], room, doc, {
    params, WebSocketPolyfill: WebSocket, disableBc: true
  })
  const nodes = doc.getMap('nodes')
  nodes.observeDeep((events, transaction) => {
    if (transaction.local) return
    const now = performance.now()
    for (const event of events) {
      if (event.target === nodes || !event.keysChanged.has('sentAt')) continue
      const sentAt = event.target.get('sentAt')
      // Only moves sent after the warm-up count, wherever they arrive.
      if (measuring && typeof sentAt === 'number' && sentAt >= measureFrom) {
        latencies.push(now - sentAt)
        deliveries++
      }
    }
  })
  provider.on('connection-close', (event) => { closes.push(event ? event.code : 'local') })
  clients.push({ doc, provider, nodes, id: `bench-client-${index}` })
}

const deadline = performance.now() + 30000
while (!clients.every((client) => client.provider.synced)) {
  if (performance.now() > deadline) throw new Error(`clients did not sync: ${clients.filter((c) => !c.provider.synced).length} left, closes ${closes}`)
  await sleep(20)
}
// Each client owns one node, as a user dragging their own selection would.
for (const client of clients) {
  if (!client.nodes.has(client.id)) {
    client.doc.transact(() => {
      const node = new Y.Map()
      client.nodes.set(client.id, node)
      node.set('kind', 'process')
      node.set('stage', 'model')
      node.set('label', client.id)
      node.set('x', 0)
      node.set('y', 0)
      node.set('sentAt', 0)
    })
  }
}
while (!clients.every((client) => clients.every((other) => client.nodes.has(other.id)))) {
  if (performance.now() > deadline) throw new Error('clients did not see each other')
  await sleep(20)
}

const interval = 1000 / rate
let sent = 0
let measuredSends = 0
const start = performance.now()
measureFrom = start + warmupSeconds * 1000
const end = start + (warmupSeconds + seconds) * 1000
let next = start
while (performance.now() < end) {
  const now = performance.now()
  if (now >= next) {
    const client = clients[sent % clientCount]
    measuring = now >= measureFrom
    const node = client.nodes.get(client.id)
    client.doc.transact(() => {
      node.set('x', sent)
      node.set('sentAt', performance.now())
    })
    sent++
    if (measuring) measuredSends++
    next += interval
  }
  await sleep(Math.max(0, Math.min(5, next - performance.now())))
}
const measuredMs = performance.now() - start - warmupSeconds * 1000
const expected = measuredSends * (clientCount - 1)
// Wait for stragglers (counted, and so in the percentiles), then check convergence: every
// client must hold every node's last position, whatever arrived late or merged.
const straggleUntil = performance.now() + 15000
while (deliveries < expected && performance.now() < straggleUntil) await sleep(50)
measuring = false
const converged = clients.every((client) => clients.every((other) =>
  client.nodes.get(other.id).get('x') === other.nodes.get(other.id).get('x')))

latencies.sort((a, b) => a - b)
const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.round(p / 100 * (latencies.length - 1)))] : NaN
process.stdout.write(JSON.stringify({
  clients: clientCount,
  rate,
  seconds,
  sent: measuredSends,
  deliveries,
  expected,
  deliveriesPerSecond: deliveries / (measuredMs / 1000),
  p50: pct(50),
  p95: pct(95),
  p99: pct(99),
  max: latencies.length ? latencies[latencies.length - 1] : NaN,
  closes,
  converged
}) + '\n')
for (const client of clients) client.provider.destroy()
process.exit(0)

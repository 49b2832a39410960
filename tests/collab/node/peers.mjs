// Stock y-websocket clients driven by the Python tests: one JSON command per stdin line, one
// JSON answer per stdout line ({"id", "ok", ...}). Each named peer is a Y.Doc with a
// WebsocketProvider exactly as the browser editor creates it.
import readline from 'node:readline'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

// The provider's resync timer reads the global WebSocket, which Node 20 does not define.
globalThis.WebSocket = WebSocket

/** @type {Map<string, {doc: Y.Doc, provider: WebsocketProvider, closes: number[], synced: boolean}>} */
const peers = new Map()

const nodesOf = (doc) => doc.getMap('nodes')
const edgesOf = (doc) => doc.getMap('edges')

function peer (name) {
  const found = peers.get(name)
  if (!found) throw new Error(`no peer ${name}`)
  return found
}

function connect ({ peer: name, url, room, params = {}, resync = -1 }) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, room, doc, {
    params,
    WebSocketPolyfill: WebSocket,
    resyncInterval: resync,
    disableBc: true,
    maxBackoffTime: 500
  })
  const entry = { doc, provider, closes: [], synced: false }
  provider.on('connection-close', (event) => { if (event) entry.closes.push(event.code) })
  provider.on('sync', (state) => { entry.synced = state })
  peers.set(name, entry)
  return {}
}

// JSON cannot carry Infinity or NaN: {"$number": "Infinity"} stands for the number itself.
const value = (raw) => (raw !== null && typeof raw === 'object' && '$number' in raw ? Number(raw.$number) : raw)

function applyOp (doc, op) {
  const nodes = nodesOf(doc)
  const edges = edgesOf(doc)
  switch (op.op) {
    case 'addNode': {
      const node = new Y.Map()
      nodes.set(op.id, node)
      node.set('kind', op.kind ?? 'process')
      node.set('stage', op.stage ?? 'model')
      node.set('label', op.label ?? op.id)
      node.set('x', op.x ?? 0)
      node.set('y', op.y ?? 0)
      node.set('fields', new Y.Map())
      break
    }
    case 'move': {
      const node = nodes.get(op.id)
      if (node) { node.set('x', value(op.x)); node.set('y', value(op.y)) }
      break
    }
    case 'rename': {
      const node = nodes.get(op.id)
      if (node) node.set('label', op.label)
      break
    }
    case 'deleteNode':
      nodes.delete(op.id)
      break
    case 'addEdge': {
      const edge = new Y.Map()
      edges.set(op.id, edge)
      edge.set('source', op.source)
      edge.set('target', op.target)
      edge.set('kind', op.kind ?? 'flow')
      break
    }
    case 'deleteEdge':
      edges.delete(op.id)
      break
    case 'setMeta':
      doc.getMap('meta').set(op.key, value(op.value))
      break
    case 'setNode': {
      const node = nodes.get(op.id)
      if (node) node.set(op.key, value(op.value))
      break
    }
    default:
      throw new Error(`unknown op ${op.op}`)
  }
}

function edit ({ peer: name, ops }) {
  const { doc } = peer(name)
  for (const op of ops) doc.transact(() => applyOp(doc, op))
  return {}
}

// Adds nodes `${prefix}0..count-1`, one transaction each, every `intervalMs`, in the background.
function burst ({ peer: name, prefix, count, intervalMs }) {
  const { doc } = peer(name)
  let i = 0
  const timer = setInterval(() => {
    if (i >= count) { clearInterval(timer); return }
    const id = `${prefix}${i++}`
    doc.transact(() => applyOp(doc, { op: 'addNode', id, label: id }))
  }, intervalMs)
  return {}
}

function snapshot ({ peer: name }) {
  const { doc, provider, closes, synced } = peer(name)
  return {
    content: {
      meta: doc.getMap('meta').toJSON(),
      nodes: nodesOf(doc).toJSON(),
      edges: edgesOf(doc).toJSON()
    },
    connected: provider.wsconnected,
    synced,
    shouldConnect: provider.shouldConnect,
    closes,
    awareness: Object.fromEntries(
      [...provider.awareness.getStates().entries()].map(([id, state]) => [String(id), state])
    ),
    clientId: doc.clientID
  }
}

function awareness ({ peer: name, state }) {
  peer(name).provider.awareness.setLocalState(state)
  return {}
}

function disconnect ({ peer: name }) {
  peer(name).provider.disconnect()
  return {}
}

function reconnect ({ peer: name }) {
  peer(name).provider.connect()
  return {}
}

function destroy ({ peer: name }) {
  const entry = peer(name)
  entry.provider.destroy()
  peers.delete(name)
  return {}
}

const handlers = { connect, edit, burst, snapshot, awareness, disconnect, reconnect, destroy }

const lines = readline.createInterface({ input: process.stdin })
lines.on('line', (line) => {
  let command
  try {
    command = JSON.parse(line)
    const handler = handlers[command.cmd]
    if (!handler) throw new Error(`unknown command ${command.cmd}`)
    const result = handler(command)
    process.stdout.write(JSON.stringify({ id: command.id, ok: true, ...result }) + '\n')
  } catch (error) {
    process.stdout.write(JSON.stringify({ id: command?.id, ok: false, error: String(error) }) + '\n')
  }
})
lines.on('close', () => {
  for (const { provider } of peers.values()) provider.destroy()
  process.exit(0)
})

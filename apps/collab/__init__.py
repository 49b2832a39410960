"""Real-time collaboration: `/ws/diagrams/{id}` speaking the y-websocket protocol.

For clients (the editor uses the stock y-websocket 3.x `WebsocketProvider`):
- Auth: the session cookie (browsers; the Origin must match an allowed origin in scheme, host
  and port) or `?token=<API
  token>` (scripts; may omit Origin). Refusals are accepted and then closed with 4403 (reason:
  "not signed in", "no access to this diagram", "origin not allowed", "access revoked"...),
  so the client stops retrying.
- The server sends sync step 1 to editors on connect (they answer with what it lacks) and
  answers a sync step 1 at any time: set `resyncInterval` (e.g. 30 s) so lost messages heal.
- Viewers receive everything; their sync step 2 and update messages are dropped silently.
  Removal or demotion takes effect on open sockets at once (4403, or read-only).
- Updates: what the schema refuses is repaired by a server transaction that every socket, the
  sender included, receives (apps/diagrams/docguard.py); valid updates are never echoed.
- Presence: each state is cut down to the presence schema (presence.py), relayed in 25 ms
  batches to the room in every process, and cleared when a connection closes.
- Limits (settings SOPSTUDIO_WS_*): over a frame, update, awareness or document size -> 1009;
  over the message rate or too slow to read -> 1008; a text frame -> 1003; a frame that is not
  a y-websocket message or Yjs update -> 1007; a failed write -> 1011 (reconnect and resync).

Modules: protocol (wire format), presence (awareness table), rooms (one authoritative Doc
per diagram per process), consumers (the socket), middleware (origin and token), limits.
"""

"""Keep a live document inside `sop-diagram/1`, whatever a collaborator's Yjs update sets.

A websocket update is applied to the room's Doc and then only what it touched is checked
against the schema's own models (`DiagramMeta`, `DiagramNode`, `DiagramEdge`): the meta keys,
node ids and edge ids named by the Doc's deep events. A value the schema refuses is repaired
at once by a transaction of the server's own, so nothing the schema refuses is ever stored:

- text: characters XML forbids are stripped, over-long text is truncated;
- a finite number out of range is clamped;
- a wrong type, a non-finite number or an unknown enum value becomes the previous value if
  there was a valid one, else the schema default;
- an element that cannot be repaired (no valid id, no valid kind or stage, no valid ends)
  is deleted, as are nodes or edges beyond the document limits.

The caller stores the NET change (the client's update plus the repair, as
`doc.get_update(state_before)`): the repaired items are deleted, and Yjs keeps no content for
deleted items, so the refused value is not in the stored bytes either. Every peer, the sender
included, receives that net change and converges on the repaired document; the sender has
nothing left to resend because the server holds (and has deleted) its items.

Edges whose node is gone are not repaired: a concurrent delete and connect make one in any
CRDT, and the projection leaves them out.
"""

from apps.diagrams.docguard.guard import CheckedUpdate, DocGuard, UndecodableUpdate

__all__ = ["CheckedUpdate", "DocGuard", "UndecodableUpdate"]

import { initials } from "../../lib/format";
import type { ConnectionState } from "../../store/editorStore";
import { useEditor } from "../../store/context";
import { Icon } from "../ui/Icon";

export function PresenceList({ me }: { me: { name: string; color: string } }) {
  const peers = useEditor((s) => s.peers);
  const shown = peers.slice(0, 4);
  const names = [`${me.name} (you)`, ...peers.map((peer) => peer.name)];
  return (
    <div className="presence" aria-label="People here" data-count={peers.length + 1}>
      <span className="avatar is-me" style={{ background: me.color }} title={`${me.name} (you)`}>
        {initials(me.name)}
      </span>
      {shown.map((peer) => (
        <span key={peer.clientId} className="avatar" style={{ background: peer.color }} title={peer.name} data-peer={peer.name}>
          {initials(peer.name)}
        </span>
      ))}
      {peers.length > shown.length ? <span className="avatar more">+{peers.length - shown.length}</span> : null}
      <div className="presence-popover" role="list">
        <div className="section-title">Here now</div>
        {names.map((name, index) => (
          <div key={`${name}-${index}`} role="listitem" className="presence-name">
            <span className="legend-swatch" style={{ background: index === 0 ? me.color : peers[index - 1]!.color }} />
            {name}
          </div>
        ))}
      </div>
    </div>
  );
}

const CONNECTION: Record<ConnectionState, { label: string; tone: string; icon: string; hint: string }> = {
  connecting: { label: "Connecting…", tone: "neutral", icon: "wifi", hint: "Opening the live connection." },
  online: { label: "Live", tone: "green", icon: "wifi", hint: "Connected: your edits are saved and shared as you make them." },
  reconnecting: { label: "Reconnecting…", tone: "amber", icon: "wifi", hint: "The connection dropped; trying again." },
  offline: { label: "Offline", tone: "red", icon: "wifiOff", hint: "Not connected. Keep working: your edits are sent when the connection returns." },
  denied: { label: "No access", tone: "red", icon: "lock", hint: "The server refused the live connection for this diagram." },
  local: { label: "Saved over HTTP", tone: "amber", icon: "wifiOff", hint: "The live service is unreachable; edits are saved through the API without live collaboration." },
};

export function ConnectionBadge() {
  const connection = useEditor((s) => s.connection);
  const pending = useEditor((s) => s.pendingEdits);
  const info = CONNECTION[connection];
  return (
    <span className={`connection connection-${info.tone}`} data-state={connection} title={info.hint} role="status">
      <span className="connection-dot" />
      <Icon name={info.icon} size={14} />
      <span>{info.label}</span>
      {pending > 0 && connection !== "online" ? <span className="connection-pending">· {pending} edit{pending === 1 ? "" : "s"} pending</span> : null}
    </span>
  );
}

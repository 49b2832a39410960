// Exports run as server jobs: start one, poll its progress, then download the file.
import { useEffect, useRef, useState } from "react";
import { errorText } from "../../api/client";
import { api } from "../../api/endpoints";
import type { ExportFormat, ExportJob, ExportOptions } from "../../api/types";
import { Button } from "../ui/Button";
import { Icon } from "../ui/Icon";
import { Modal } from "../ui/Modal";

const FORMATS: Array<{ id: ExportFormat; name: string; hint: string; icon: string }> = [
  { id: "pdf", name: "PDF", hint: "Print-ready diagram", icon: "file" },
  { id: "png", name: "PNG", hint: "Image for slides and wikis", icon: "file" },
  { id: "svg", name: "SVG", hint: "Vector image", icon: "file" },
  { id: "audit-pack", name: "Audit pack", hint: "PDF with procedure text, versions and approvals", icon: "checkCircle" },
  { id: "json", name: "JSON", hint: "sop-diagram/1 document", icon: "file" },
  { id: "mermaid", name: "Mermaid", hint: "Flowchart text", icon: "file" },
];

export function ExportDialog({ diagramId, latestVersion, onClose }: { diagramId: number; latestVersion: number; onClose: () => void }) {
  const [format, setFormat] = useState<ExportFormat>("pdf");
  const [version, setVersion] = useState<number | null>(null);
  const [options, setOptions] = useState<ExportOptions>({ paper: "A4", orientation: "landscape", fit: "page", scale: 1 });
  const [job, setJob] = useState<ExportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const poll = (id: string | number) => {
    timer.current = setTimeout(async () => {
      try {
        const next = await api.exportJob(id);
        setJob(next);
        if (next.status === "queued" || next.status === "running") poll(id);
        else if (next.status === "failed") setError(next.error || "The export failed.");
      } catch (err) {
        setError(errorText(err));
      }
    }, 700);
  };

  const start = async () => {
    setError(null);
    try {
      const created = await api.startExport(diagramId, { format, version, options });
      setJob(created);
      if (created.status === "queued" || created.status === "running") poll(created.id);
      else if (created.status === "failed") setError(created.error || "The export failed.");
    } catch (err) {
      setError(errorText(err));
    }
  };

  const paged = format === "pdf" || format === "audit-pack" || format === "png";
  const done = job && job.status === "done";
  const running = job && !done && !error;

  return (
    <Modal
      title="Export"
      onClose={onClose}
      width={620}
      footer={
        <>
          {error ? <span className="form-error" role="alert">{error}</span> : null}
          <Button variant="ghost" onClick={onClose}>Close</Button>
          {done ? (
            <a className="btn btn-primary btn-md" href={job.download_url ?? `/api/exports/${job.id}/download`}>
              <Icon name="download" /> <span>Download{job.filename ? ` ${job.filename}` : ""}</span>
            </a>
          ) : (
            <Button variant="primary" icon="download" onClick={() => void start()} disabled={Boolean(running)}>
              {running ? `Exporting… ${Math.round(job.progress ?? 0)}%` : "Export"}
            </Button>
          )}
        </>
      }
    >
      <div className="format-grid" role="radiogroup" aria-label="Format">
        {FORMATS.map((option) => (
          <button type="button" role="radio" aria-checked={format === option.id} key={option.id} className={`format-card${format === option.id ? " is-chosen" : ""}`} onClick={() => { setFormat(option.id); setJob(null); }}>
            <Icon name={option.icon} size={18} />
            <span className="format-name">{option.name}</span>
            <span className="format-hint">{option.hint}</span>
          </button>
        ))}
      </div>
      <div className="form-row two">
        <label className="field">
          <span>Content</span>
          <select value={version ?? ""} onChange={(event) => setVersion(event.target.value ? Number(event.target.value) : null)}>
            <option value="">Current (live)</option>
            {Array.from({ length: latestVersion }, (_, i) => latestVersion - i).map((n) => <option key={n} value={n}>Version {n}</option>)}
          </select>
        </label>
        {paged ? (
          <label className="field">
            <span>Paper</span>
            <select value={options.paper} onChange={(event) => setOptions({ ...options, paper: event.target.value as ExportOptions["paper"] })}>
              <option>A4</option>
              <option>A3</option>
              <option>Letter</option>
            </select>
          </label>
        ) : null}
      </div>
      {paged ? (
        <div className="form-row three">
          <label className="field">
            <span>Orientation</span>
            <select value={options.orientation} onChange={(event) => setOptions({ ...options, orientation: event.target.value as ExportOptions["orientation"] })}>
              <option value="landscape">Landscape</option>
              <option value="portrait">Portrait</option>
            </select>
          </label>
          <label className="field">
            <span>Fit</span>
            <select value={options.fit} onChange={(event) => setOptions({ ...options, fit: event.target.value as ExportOptions["fit"] })}>
              <option value="page">Fit to one page</option>
              <option value="tile">Tile across pages</option>
            </select>
          </label>
          <label className="field">
            <span>Scale</span>
            <select value={options.scale} onChange={(event) => setOptions({ ...options, scale: Number(event.target.value) as 1 | 2 })}>
              <option value={1}>1×</option>
              <option value={2}>2× (sharper)</option>
            </select>
          </label>
        </div>
      ) : null}
      {running ? (
        <div className="progress" aria-label="Export progress">
          <div className="progress-bar" style={{ width: `${Math.max(5, job.progress ?? 0)}%` }} />
        </div>
      ) : null}
    </Modal>
  );
}

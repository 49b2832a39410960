import { memo } from "react";
import { iconPath } from "../../lib/theme";

const cache = new Map<string, string>();

/** The icon's stroke drawing as a data URL (same 24×24 paths as <Icon>). */
export function iconDataUrl(name: string): string {
  let url = cache.get(name);
  if (!url) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="black" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="${iconPath(name)}"/></svg>`;
    url = `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
    cache.set(name, url);
  }
  return url;
}

/**
 * An icon painted as a CSS mask in the current colour. Used on canvas nodes, where hundreds of
 * inline <svg> roots would each cost the compositor a layerization step on every frame.
 */
export const MaskIcon = memo(function MaskIcon({ name, size = 16 }: { name: string; size?: number }) {
  const url = iconDataUrl(name);
  return (
    <span
      className="mask-icon"
      aria-hidden="true"
      style={{ width: size, height: size, maskImage: url, WebkitMaskImage: url }}
    />
  );
});

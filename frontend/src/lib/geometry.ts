// Geometry the editor needs: snapping, lanes, keyboard navigation between steps.
import { LAYOUT, STAGES, laneIndexAt } from "./theme";

export interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Direction = "up" | "down" | "left" | "right";

export function snap(value: number, grid: number = LAYOUT.gridSize): number {
  return Math.round(value / grid) * grid;
}

export function centre(box: Box): { x: number; y: number } {
  return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
}

/** The stage lane a box's centre sits in. */
export function stageForBox(box: Pick<Box, "x" | "w">): string {
  return (STAGES[laneIndexAt(box.x + box.w / 2)] ?? STAGES[0])!.id;
}

/**
 * The nearest box in a direction from `fromId`: only boxes whose centre lies within a 45° cone
 * of that direction count, and distance along the direction weighs less than drift across it.
 */
export function nearestInDirection(
  boxes: readonly Box[],
  fromId: string,
  direction: Direction,
): string | null {
  const from = boxes.find((box) => box.id === fromId);
  if (!from) return null;
  const origin = centre(from);
  let best: { id: string; score: number } | null = null;
  for (const box of boxes) {
    if (box.id === fromId) continue;
    const c = centre(box);
    const dx = c.x - origin.x;
    const dy = c.y - origin.y;
    let along: number;
    let across: number;
    if (direction === "left" || direction === "right") {
      along = direction === "right" ? dx : -dx;
      across = Math.abs(dy);
    } else {
      along = direction === "down" ? dy : -dy;
      across = Math.abs(dx);
    }
    if (along <= 0 || across > along) continue;
    const score = along + across * 2;
    if (!best || score < best.score) best = { id: box.id, score };
  }
  return best?.id ?? null;
}

/** Reading order: lane by lane (left to right), then top to bottom. */
export function readingOrder(boxes: readonly Box[]): string[] {
  return [...boxes]
    .sort((a, b) => {
      const laneA = laneIndexAt(a.x + a.w / 2);
      const laneB = laneIndexAt(b.x + b.w / 2);
      return laneA - laneB || a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1);
    })
    .map((box) => box.id);
}

export function nextInOrder(boxes: readonly Box[], currentId: string | null, step: 1 | -1): string | null {
  const order = readingOrder(boxes);
  if (order.length === 0) return null;
  if (currentId === null) return step === 1 ? order[0]! : order[order.length - 1]!;
  const index = order.indexOf(currentId);
  if (index < 0) return order[0]!;
  return order[(index + step + order.length) % order.length]!;
}

/** Where a new step dropped at `point` (its centre) should sit: inside a lane, on the grid. */
export function placeInLane(point: { x: number; y: number }, size: { w: number; h: number }) {
  const lane = laneIndexAt(point.x);
  const left = lane * LAYOUT.laneWidth;
  const x = Math.min(
    Math.max(snap(point.x - size.w / 2), left + 10),
    left + LAYOUT.laneWidth - size.w - 10,
  );
  const y = Math.max(snap(point.y - size.h / 2), LAYOUT.laneHeaderHeight + 20);
  return { x, y, stage: STAGES[lane]!.id };
}

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Finding } from "../api/types";
import { badgesFor, debounce, groupBySeverity } from "./findings";

const finding = (rule: string, severity: Finding["severity"], refs: string[], message = `${rule} on ${refs.join(",")}`): Finding => ({
  rule,
  severity,
  message,
  refs,
});

describe("badgesFor", () => {
  it("counts a step's error and warning findings, coloured by the worst", () => {
    const badges = badgesFor([
      finding("SOP009", "warning", ["input"]),
      finding("SOP004", "error", ["model"]),
      finding("SOP008", "error", ["model"]),
      finding("SOP011", "warning", ["model", "input"]),
    ]);
    expect(badges.get("input")).toEqual({ count: 2, severity: "warning", messages: ["SOP009 on input", "SOP011 on model,input"] });
    expect(badges.get("model")).toEqual({
      count: 3,
      severity: "error",
      messages: ["SOP004 on model", "SOP008 on model", "SOP011 on model,input"],
    });
  });

  it("puts no badge for info findings or document-level findings", () => {
    const badges = badgesFor([finding("SOP014", "info", ["model"]), finding("SOP017", "warning", [])]);
    expect(badges.size).toBe(0);
  });

  it("counts a finding once per step even when it names the step twice", () => {
    expect(badgesFor([finding("SOP013", "warning", ["a", "a"])]).get("a")?.count).toBe(1);
  });
});

describe("groupBySeverity", () => {
  it("lists errors, then warnings, then info, keeping the order within each", () => {
    const groups = groupBySeverity([finding("SOP020", "info", []), finding("SOP009", "warning", []), finding("SOP004", "error", []), finding("SOP001", "error", [])]);
    expect(groups.map((group) => [group.severity, group.findings.map((f) => f.rule)])).toEqual([
      ["error", ["SOP004", "SOP001"]],
      ["warning", ["SOP009"]],
      ["info", ["SOP020"]],
    ]);
  });
});

describe("debounce", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs once, the wait after the last call of a burst", () => {
    const run = vi.fn();
    const paced = debounce(run, 800);
    for (let i = 0; i < 10; i += 1) {
      paced();
      vi.advanceTimersByTime(300);
    }
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(499);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("can be cancelled", () => {
    const run = vi.fn();
    const paced = debounce(run, 800);
    paced();
    expect(paced.pending()).toBe(true);
    paced.cancel();
    vi.advanceTimersByTime(2000);
    expect(run).not.toHaveBeenCalled();
  });
});

// What is painted over the canvas without being part of the draft: a simulated call's path, test coverage, a
// capacity run's traffic, a version diff, the heat map's called-but-untested paths, and a request to centre a node.
import { create } from "zustand";
import type { TrafficPaint } from "../capacity/traffic";
import type { Coverage } from "../model/types";
import type { UntestedPaint } from "../model/untested";
import type { DiffPaint } from "../panels/diffPaint";

export interface OverlayState {
  path: string[];
  /** The index in `path` being shown when stepping through a call (the whole path when null). */
  step: number | null;
  coverage: Coverage | null;
  traffic: TrafficPaint | null;
  diff: DiffPaint | null;
  /** With the heat map: the nodes and exits callers take but no test case does. */
  untested: UntestedPaint | null;
  focus: { node: string; at: number } | null;
  setPath(path: string[]): void;
  setStep(step: number | null): void;
  setCoverage(coverage: Coverage | null): void;
  setTraffic(traffic: TrafficPaint | null): void;
  setDiff(diff: DiffPaint | null): void;
  setUntested(untested: UntestedPaint | null): void;
  focusNode(node: string): void;
  clear(): void;
}

export const useOverlay = create<OverlayState>()((set) => ({
  path: [],
  step: null,
  coverage: null,
  traffic: null,
  diff: null,
  untested: null,
  focus: null,
  setPath: (path) => set({ path, step: null }),
  setStep: (step) => set({ step }),
  setCoverage: (coverage) => set({ coverage }),
  setTraffic: (traffic) => set({ traffic }),
  setDiff: (diff) => set({ diff }),
  setUntested: (untested) => set({ untested }),
  focusNode: (node) => set({ focus: { node, at: Date.now() } }),
  clear: () => set({ path: [], step: null, coverage: null, traffic: null, diff: null, untested: null }),
}));

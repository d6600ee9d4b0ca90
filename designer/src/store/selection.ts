// Which nodes are selected on the canvas (the form shows the single selected node).
import { create } from "zustand";

export interface SelectionState {
  selected: Set<string>;
  select(ids: Iterable<string>): void;
}

export const useSelection = create<SelectionState>()((set) => ({
  selected: new Set(),
  select: (ids) => set({ selected: new Set(ids) }),
}));

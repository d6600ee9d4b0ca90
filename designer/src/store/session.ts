// Who is logged in, and what their role lets the page offer.
import { create } from "zustand";
import type { User } from "../model/types";

export interface SessionState {
  user: User | null;
  checked: boolean;
  setUser(user: User | null): void;
}

export const useSession = create<SessionState>()((set) => ({
  user: null,
  checked: false,
  setUser: (user) => set({ user, checked: true }),
}));

export const canEdit = (user: User | null) => user?.role === "editor" || user?.role === "admin";
export const canPublish = (user: User | null) => user?.role === "admin";

// Who is logged in, what their role lets the page offer, and their tenant's time zone.
import { create } from "zustand";
import type { User } from "../model/types";

export interface SessionState {
  user: User | null;
  checked: boolean;
  /** The tenant's time zone (its environment's): times of calls, messages and changes are shown in it. */
  timeZone: string | undefined;
  setUser(user: User | null): void;
  setTimeZone(timeZone: string | undefined): void;
}

export const useSession = create<SessionState>()((set) => ({
  user: null,
  checked: false,
  timeZone: undefined,
  setUser: (user) => set({ user, checked: true }),
  setTimeZone: (timeZone) => set({ timeZone }),
}));

export const canEdit = (user: User | null) => user?.role === "editor" || user?.role === "admin";
export const canPublish = (user: User | null) => user?.role === "admin";

/** The tenant's time zone in `GET /api/me`'s answer (none from an older service). */
export const tenantZone = (me: { tenant: Record<string, unknown> }) =>
  typeof me.tenant.time_zone === "string" ? me.tenant.time_zone : undefined;

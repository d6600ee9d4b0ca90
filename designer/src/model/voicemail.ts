// The voicemail inbox's messages as `GET /api/voicemail` lists them (docs/records.md).

export const MESSAGE_STATES = ["unread", "read", "handled"] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** One message a caller left: who, for which mailbox, when, how long, and where it stands. */
export interface VoicemailMessage {
  id: number;
  call_id: string | null;
  flow: string | null;
  mailbox: string;
  /** Masked for viewers (all but the last four digits). */
  caller: string;
  /** UTC, ISO 8601. */
  time: string;
  day: string;
  seconds: number;
  language: string;
  state: MessageState;
  handled_by: string | null;
  handled_at: string | null;
  note: string | null;
  /** Whether there is audio to play (a simulated message has none). */
  audio: boolean;
}

// Node type icons: the service names them (lucide names); the common ones are drawn as glyphs, others by initial.
const GLYPHS: Record<string, string> = {
  "grid-3x3": "▦",
  "corner-down-left": "↵",
  "circle-dot": "◉",
  clock: "◷",
  variable: "≔",
  database: "⛁",
  voicemail: "✉",
  "message-circle": "♪",
  workflow: "▣",
  users: "☺",
  languages: "文",
  hash: "#",
  "phone-forwarded": "↗",
  "phone-off": "☎",
  "git-branch": "◇",
  mic: "◎",
};

export function glyph(icon: string, fallback: string): string {
  return GLYPHS[icon] ?? (fallback[0] ?? "?").toUpperCase();
}

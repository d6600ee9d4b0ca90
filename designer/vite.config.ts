import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// A strict Content Security Policy in the built page: no eval (the form validators are precompiled), no inline
// scripts, nothing from other origins. Development mode (Vite's inline refresh scripts) goes without it.
const CSP =
  "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'";

function contentSecurityPolicy(): Plugin {
  return {
    name: "callflow-csp",
    apply: "build",
    transformIndexHtml: (html) =>
      html.replace("<head>", `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
  };
}

// The designer is served by `callflow serve` at `/`; in development Vite proxies the API to a running service.
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  base: "/",
  worker: { format: "es" },
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: { "/api": process.env.CALLFLOW_URL ?? "http://127.0.0.1:8080" },
    // The capacity page bundles the examples of ../examples/load (src/capacity/examples.ts).
    fs: { allow: [".", "../examples/load"] },
  },
});

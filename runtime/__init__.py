"""The runtime: one engine that runs flows, on live channels or in the headless simulator."""

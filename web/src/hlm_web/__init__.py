"""The HLM platform's own pages, server-rendered with the NHS.UK frontend; the gateway is their only backend."""

// Jest stand-in for Next's 'server-only' marker (Next resolves the real one at build time).

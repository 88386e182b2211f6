#!/bin/sh
# Lambda's wrapper script for the answer function (AWS_LAMBDA_EXEC_WRAPPER, set by the stack): the runtime's
# bootstrap runs it with its own command line, `node <options> /var/runtime/index.mjs`, and it starts that same
# command without the V8 flags among the options (--expose-gc and the heap sizes from the function's memory).
#
# Why: V8's flags are part of every code cache's key. With any set, Node.js compiles its own modules (http, tls,
# crypto...) from source instead of from the code cache built into it, and the image's cache of the bundle, made
# by the Dockerfile's RUN line, is not read either: both cost every cold start (lib/definition/function-runtime.ts
# has the figures). Without them V8 sizes the heap from the memory it sees (by V8's rule about a quarter of it
# for the old generation, not measured at 1,024 MB; the function holds 16 MB after its init phase). gc() goes: the function exposes it itself for a moment
# (lambda/src/young-generation.ts), and the runtime interface client's source never calls it.
# Node.js's own options stay, the runtime's script too. It never fails a start: with nothing to drop, it starts the
# command as given.
node="$1"
shift
for argument; do
  shift
  case "$argument" in
    --expose-gc | --expose_gc | --max-semi-space-size=* | --max_semi_space_size=* | --max-old-space-size=* | --max_old_space_size=*) ;;
    *) set -- "$@" "$argument" ;;
  esac
done
exec "$node" "$@"

#!/usr/bin/env python3
"""The llama-cpp-python side of `make bench` (galley-bench starts it; see bench/src/worker.rs).

It loads the GGUF once and then answers requests, one JSON object per line: on stdin
`{"variant": "completion" | "lowlevel", "prompt": "...", "max_tokens": 128}`, on stdout one result
`{"prompt_tokens", "output_tokens", "ttft_s", "total_s", "eos", "text"}` (or `{"error": "..."}`).
The first line it writes is a hello with the versions and the build.

The prompt arrives already through the model's chat template (Galley's `LocalProvider::prompt`)
and is tokenised like Galley does it: special tokens parsed, BOS added only when the text does not
start with it. Decoding is greedy. Two ways of generating are measured:

- `completion`: `Llama.create_completion(tokens, stream=True, temperature=0)`, the library's
  high-level streaming API, on the context the `Llama` object holds (its prefix cache reset
  before each run, so that every run reads the whole prompt).
- `lowlevel`: the same loop as Galley's generator written against the C API (llama_decode, a
  greedy sampler, llama_token_to_piece per token), on a context created like Galley's
  (`llama_context_default_params`, so flash attention `auto`), cleared before each run.

Token counts include an end-of-generation token when one arrives, as Galley's usage does.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import sys
import time

import llama_cpp
from llama_cpp import Llama


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--context", type=int, default=2048)
    return parser.parse_args()


class Engine:
    def __init__(self, model: str, threads: int, context: int) -> None:
        # Galley: n_ctx = n_batch = context, the same threads for generation and prompt reading,
        # n_ubatch and the KV cache types at llama.cpp's defaults, flash attention `auto`, which
        # is `on` for the CPU backend (`Llama` takes only on/off).
        self.llm = Llama(
            model_path=model,
            n_ctx=context,
            n_batch=context,
            n_threads=threads,
            n_threads_batch=threads,
            flash_attn=True,
            verbose=False,
        )
        self.model = self.llm.model
        self.vocab = llama_cpp.llama_model_get_vocab(self.model)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = context
        params.n_batch = context
        params.n_threads = threads
        params.n_threads_batch = threads
        self.params = params
        self.context_create_ms = self._time_context_creation()
        self.ctx = llama_cpp.llama_init_from_model(self.model, self.params)
        if not self.ctx:
            raise RuntimeError("llama_init_from_model failed")
        self.sampler = llama_cpp.llama_sampler_init_greedy()
        self.piece = ctypes.create_string_buffer(256)
        bos = llama_cpp.llama_vocab_get_text(self.vocab, llama_cpp.llama_vocab_bos(self.vocab))
        self.bos_text = bos.decode("utf-8", errors="replace") if bos else ""

    def _time_context_creation(self) -> float:
        """What creating a context costs (Galley creates one per call), median of three."""
        times = []
        for _ in range(3):
            start = time.perf_counter()
            ctx = llama_cpp.llama_init_from_model(self.model, self.params)
            times.append((time.perf_counter() - start) * 1000.0)
            llama_cpp.llama_free(ctx)
        return statistics.median(times)

    def tokenize(self, prompt: str) -> list[int]:
        add_bos = not (self.bos_text and prompt.startswith(self.bos_text))
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)

    def completion(self, prompt: str, max_tokens: int) -> dict:
        self.llm.reset()  # no prefix-cache hit: every run reads the whole prompt
        start = time.perf_counter()
        tokens = self.tokenize(prompt)
        first = None
        parts = []
        finish = None
        for chunk in self.llm.create_completion(
            tokens, max_tokens=max_tokens, temperature=0.0, stream=True
        ):
            choice = chunk["choices"][0]
            if choice["text"]:
                if first is None:
                    first = time.perf_counter()
                parts.append(choice["text"])
            finish = choice["finish_reason"] or finish
        end = time.perf_counter()
        # every generated token but the last one (the max_tokens-th, or the end-of-generation
        # token) was evaluated into the context
        output_tokens = self.llm.n_tokens - len(tokens) + 1
        return {
            "prompt_tokens": len(tokens),
            "output_tokens": output_tokens,
            "ttft_s": (first or end) - start,
            "total_s": end - start,
            "eos": finish == "stop",
            "text": "".join(parts),
        }

    def lowlevel(self, prompt: str, max_tokens: int) -> dict:
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(self.ctx), True)
        llama_cpp.llama_sampler_reset(self.sampler)
        start = time.perf_counter()
        tokens = self.tokenize(prompt)
        batch_tokens = (llama_cpp.llama_token * len(tokens))(*tokens)
        self._decode(llama_cpp.llama_batch_get_one(batch_tokens, len(tokens)))
        one = (llama_cpp.llama_token * 1)()
        first = None
        pieces = []
        generated = 0
        eos = False
        while True:
            token = llama_cpp.llama_sampler_sample(self.sampler, self.ctx, -1)
            generated += 1
            if llama_cpp.llama_vocab_is_eog(self.vocab, token):
                eos = True
                break
            n = llama_cpp.llama_token_to_piece(self.vocab, token, self.piece, 256, 0, False)
            pieces.append(self.piece.raw[:n])
            if first is None:
                first = time.perf_counter()
            if generated >= max_tokens:
                break
            one[0] = token
            self._decode(llama_cpp.llama_batch_get_one(one, 1))
        end = time.perf_counter()
        return {
            "prompt_tokens": len(tokens),
            "output_tokens": generated,
            "ttft_s": (first or end) - start,
            "total_s": end - start,
            "eos": eos,
            "text": b"".join(pieces).decode("utf-8", errors="replace"),
        }

    def _decode(self, batch) -> None:
        rc = llama_cpp.llama_decode(self.ctx, batch)
        if rc != 0:
            raise RuntimeError(f"llama_decode returned {rc}")


def main() -> int:
    args = parse_args()
    # The protocol owns the real stdout; anything else that prints (llama.cpp's C code included)
    # goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr

    start = time.perf_counter()
    engine = Engine(args.model, args.threads, args.context)
    hello = {
        "engine": "llama-cpp-python",
        "version": llama_cpp.__version__,
        "load_s": time.perf_counter() - start,
        "context_create_ms": engine.context_create_ms,
        "system_info": llama_cpp.llama_print_system_info().decode("utf-8", errors="replace").strip(),
        "lib_dir": os.path.join(os.path.dirname(llama_cpp.__file__), "lib"),
    }
    out.write(json.dumps(hello) + "\n")

    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            run = {"completion": engine.completion, "lowlevel": engine.lowlevel}[request["variant"]]
            result = run(request["prompt"], int(request["max_tokens"]))
        except Exception as e:  # reported to the driver, which prints it
            result = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

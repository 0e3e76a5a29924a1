#!/usr/bin/env python3
"""The reference of `make bench-runs`: the same calls with no tool around them.

`bare_client.py BASE_URL INPUTS CONCURRENCY`: CONCURRENCY threads, each on one keep-alive connection,
send the benchmark's requests (2 models x INPUTS, streamed) to the simulator's OpenAI-compatible
route back to back and read each answer to its end. Nothing is rendered, stored or retried, so its
wall time is what the simulator, the loopback network and this machine allow; the tools are
compared against it as well as against the ideal. Prints the number of answers read.
"""

import http.client
import json
import sys
import threading
from urllib.parse import urlsplit

MODELS = ("amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0")


def main() -> None:
    base, inputs, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    url = urlsplit(base)
    jobs = [(i, m) for i in range(1, inputs + 1) for m in MODELS]
    jobs.reverse()  # pop() from the end: grid order
    lock = threading.Lock()
    done = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port)
        while True:
            with lock:
                if not jobs:
                    break
                i, model = jobs.pop()
            body = json.dumps({
                "model": model,
                "messages": [
                    {"role": "system", "content": "Answer briefly."},
                    {"role": "user", "content": f"What is the capital of Country {i:04d}?"},
                ],
                "max_tokens": 512,
                "temperature": 0.7,
                "top_p": 0.9,
                "stream": True,
            })
            conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
            answer = conn.getresponse()
            answer.read()
            if answer.status == 200:
                with lock:
                    done[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(done[0])


if __name__ == "__main__":
    main()

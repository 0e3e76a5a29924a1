//! A reference engine in its own process (the Python script, or this binary's llama-cpp-2 loop),
//! driven by JSON lines: a [`Hello`] first, then one [`Run`] per [`Request`]. Each keeps its model
//! loaded, so the driver can interleave the sides run by run.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::Deserialize;

use crate::run::{Hello, Request, Run};

/// A running worker.
pub struct Worker {
    name: String,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    pub hello: Hello,
}

/// A worker's answer: a run, or what went wrong.
#[derive(Deserialize)]
#[serde(untagged)]
enum Answer {
    Failed { error: String },
    Done(Run),
}

impl Worker {
    /// Starts `command` and waits for its hello (the model loaded).
    pub fn start(name: &str, mut command: Command) -> Result<Worker, String> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{name} could not start ({command:?}): {e}"))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut worker = Worker {
            name: name.to_string(),
            child,
            stdin,
            stdout,
            hello: Hello {
                engine: String::new(),
                version: String::new(),
                load_s: 0.0,
                context_create_ms: 0.0,
                system_info: None,
            },
        };
        let line = worker.read_line()?;
        worker.hello = serde_json::from_str(&line)
            .map_err(|e| format!("{name} said {line:?} instead of its hello: {e}"))?;
        Ok(worker)
    }

    /// One generation.
    pub fn run(&mut self, request: &Request) -> Result<Run, String> {
        let line = serde_json::to_string(request).expect("a request serialises");
        writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("{} stopped listening: {e}", self.name))?;
        let answer = self.read_line()?;
        match serde_json::from_str(&answer) {
            Ok(Answer::Done(run)) => Ok(run),
            Ok(Answer::Failed { error }) => Err(format!("{} failed: {error}", self.name)),
            Err(e) => Err(format!("{} answered {answer:?}: {e}", self.name)),
        }
    }

    fn read_line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        let read = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("reading from {}: {e}", self.name))?;
        if read == 0 {
            let status = self
                .child
                .wait()
                .map_or_else(|e| e.to_string(), |s| s.to_string());
            return Err(format!(
                "{} exited ({status}); its messages are above",
                self.name
            ));
        }
        Ok(line)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // the worker is idle between requests: stop it, and wait so that it does not outlive the
        // driver
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

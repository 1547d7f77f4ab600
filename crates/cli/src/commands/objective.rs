//! [`Objective`]: one trial of `gradus worker`, evaluated by an external command.
//!
//! The command gets the parameters as a JSON object on stdin and as `GRADUS_PARAM_<NAME>`
//! variables, plus `GRADUS_TRIAL` and `GRADUS_STUDY`. Its stdout is read line by line while
//! it runs: `report STEP VALUE` lines are intermediate values (after each, the pruner is
//! asked, and a prune kills the command); the last other non-empty line is the objective
//! value. Its stderr is passed through to the worker's stderr, and its last lines go into
//! the failure reason of a command that exits with an error.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

use gradus::tune::{ParamValue, Trial, TrialError};

use crate::exit::{CliError, Result};

/// Lines of the command's stderr kept for a failure reason.
const STDERR_TAIL: usize = 5;

/// The external command of a worker.
#[derive(Debug, Clone)]
pub struct Objective {
    program: String,
    args: Vec<String>,
    /// `GRADUS_PARAM_<NAME>` for each parameter name of the space.
    env_names: BTreeMap<String, String>,
}

/// The environment variable of parameter `name`: `GRADUS_PARAM_` + the name upper-cased,
/// with every character other than ASCII letters and digits replaced by `_`.
pub fn env_name(name: &str) -> String {
    let mut out = String::from("GRADUS_PARAM_");
    out.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    out
}

/// Kills the command if it is still running when the trial ends early (a prune, an error).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl Objective {
    /// The command `command[0]` with arguments `command[1..]` for parameters `names`.
    ///
    /// # Errors
    /// A usage error for an empty command, or two parameter names that map to one
    /// environment variable.
    pub fn new<'a>(command: &[String], names: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| CliError::usage("give the objective command after `--`"))?;
        let mut env_names = BTreeMap::new();
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for name in names {
            let env = env_name(name);
            if let Some(other) = seen.insert(env.clone(), name) {
                return Err(CliError::usage(format!(
                    "--space: parameters `{other}` and `{name}` both become {env}; rename one"
                )));
            }
            env_names.insert(name.to_owned(), env);
        }
        Ok(Objective {
            program: program.clone(),
            args: args.to_vec(),
            env_names,
        })
    }

    /// Runs the command for `trial` with `params` and returns the trial's outcome: its value,
    /// Pruned, or Failed with the reason.
    ///
    /// # Errors
    /// A usage error when the command cannot be started (the trial is left to the caller);
    /// a runtime error when reporting to the storage fails.
    pub fn run(
        &self,
        study: &str,
        trial: &mut Trial,
        params: &BTreeMap<String, ParamValue>,
    ) -> Result<Result<f64, TrialError>> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .env("GRADUS_TRIAL", trial.number().to_string())
            .env("GRADUS_STUDY", study)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in params {
            if let Some(env) = self.env_names.get(name) {
                command.env(env, value.to_string());
            }
        }
        let child = command
            .spawn()
            .map_err(|e| CliError::usage(format!("cannot start `{}`: {e}", self.program)))?;
        let mut child = Running(child);
        let input = serde_json::to_vec(params)
            .map_err(|e| CliError::runtime(format!("cannot encode the parameters: {e}")))?;
        if let Some(mut stdin) = child.0.stdin.take() {
            // In a thread: a command that never reads its stdin must not block the worker.
            std::thread::spawn(move || {
                let _ = stdin.write_all(&input);
            });
        }
        let stderr = child.0.stderr.take().map(pass_through);
        let Some(stdout) = child.0.stdout.take() else {
            return Err(CliError::runtime("the command's stdout was not captured"));
        };
        let last = match self.read_stdout(stdout, trial)? {
            Some(last) => last,
            // Pruned: `child` is killed on drop; its stderr thread ends with it.
            None => return Ok(Err(TrialError::Pruned)),
        };
        let status = child
            .0
            .wait()
            .map_err(|e| CliError::runtime(format!("waiting for `{}`: {e}", self.program)))?;
        let tail = stderr
            .and_then(|h| h.join().ok())
            .map(|lines| Vec::from(lines).join("\n"))
            .unwrap_or_default();
        if !status.success() {
            let mut reason = format!("`{}` exited with {status}", self.program);
            if !tail.is_empty() {
                reason.push_str(&format!("; the end of its stderr:\n{tail}"));
            }
            return Ok(Err(TrialError::msg(reason)));
        }
        Ok(match last.as_deref().map(str::trim) {
            None => Err(TrialError::msg(format!(
                "`{}` printed nothing on stdout; print the objective value as its last line",
                self.program
            ))),
            Some(line) => match line.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(TrialError::msg(format!(
                    "the last line of `{}`'s stdout, `{line}`, is not a finite number; print \
                     the objective value as the last line",
                    self.program
                ))),
            },
        })
    }

    /// Reads stdout to its end, reporting `report STEP VALUE` lines; returns the last other
    /// non-empty line, or `None` when the pruner stopped the trial.
    fn read_stdout(
        &self,
        stdout: ChildStdout,
        trial: &mut Trial,
    ) -> Result<Option<Option<String>>> {
        let mut reader = BufReader::new(stdout);
        let mut last = None;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(|e| {
                CliError::runtime(format!("reading `{}`'s stdout: {e}", self.program))
            })?;
            if n == 0 {
                return Ok(Some(last));
            }
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim();
            if let Some((step, value)) = report(line) {
                trial.report(step, value)?;
                if trial.should_prune()? {
                    return Ok(None);
                }
            } else if !line.is_empty() {
                last = Some(line.to_owned());
            }
        }
    }
}

/// `report STEP VALUE` → `(STEP, VALUE)`; any other line → `None`.
fn report(line: &str) -> Option<(u64, f64)> {
    let mut words = line.split_whitespace();
    if words.next()? != "report" {
        return None;
    }
    let step = words.next()?.parse().ok()?;
    let value = words.next()?.parse().ok()?;
    words.next().is_none().then_some((step, value))
}

/// Copies the command's stderr to ours, keeping its last lines.
fn pass_through(stderr: impl Read + Send + 'static) -> JoinHandle<VecDeque<String>> {
    std::thread::spawn(move || {
        let mut tail = VecDeque::with_capacity(STDERR_TAIL + 1);
        let mut reader = BufReader::new(stderr);
        let mut buf = Vec::new();
        while let Ok(n) = reader.read_until(b'\n', &mut buf) {
            if n == 0 {
                break;
            }
            let _ = std::io::stderr().write_all(&buf);
            let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
            if !line.is_empty() {
                tail.push_back(line);
                if tail.len() > STDERR_TAIL {
                    tail.pop_front();
                }
            }
            buf.clear();
        }
        tail
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_become_variables() {
        assert_eq!(env_name("lr"), "GRADUS_PARAM_LR");
        assert_eq!(env_name("n-units.1"), "GRADUS_PARAM_N_UNITS_1");
        assert_eq!(env_name("taux_é"), "GRADUS_PARAM_TAUX__");
        let cmd = vec!["true".to_owned()];
        let e = Objective::new(&cmd, ["a-b", "a_b"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--space: parameters `a-b` and `a_b` both become GRADUS_PARAM_A_B; rename one"
        );
        assert!(Objective::new(&[], ["x"]).is_err());
    }

    #[test]
    fn report_lines_are_exactly_three_words() {
        assert_eq!(report("report 3 0.25"), Some((3, 0.25)));
        assert_eq!(report("report 0 nan").map(|r| r.1.is_nan()), Some(true));
        assert_eq!(report("report saved to out.txt"), None);
        assert_eq!(report("report 1 2 3"), None);
        assert_eq!(report("report -1 2"), None);
        assert_eq!(report("0.5"), None);
    }
}

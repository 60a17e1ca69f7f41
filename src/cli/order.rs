//! Options written before the subcommand. The connection options belong to the commands
//! that connect (so `inspect` and `demo` neither show nor accept them), but scripts and
//! trcli habits put them first: `testrail-report --url X submit …`. An option the top level
//! does not know but the named subcommand does is moved to just after the subcommand's name,
//! where clap expects it; anything else stays where it was, for clap to judge.

use std::ffi::OsString;

use clap::{Command, CommandFactory as _};

/// The arguments with subcommand options moved behind the subcommand (`args[0]` is the program).
pub fn hoist(args: Vec<OsString>) -> Vec<OsString> {
    let top = super::Cli::command();
    let mut moved = Vec::new();
    let mut kept = Vec::new();
    let mut i = 1;
    while let Some(arg) = args.get(i) {
        let text = arg.to_string_lossy();
        if text == "--" || !text.starts_with('-') {
            break;
        }
        let long = text
            .strip_prefix("--")
            .map(|l| l.split('=').next().unwrap_or(l));
        let inline = text.contains('=');
        let into = match long {
            Some(name) if find_long(&top, name).is_none() => &mut moved,
            _ => &mut kept,
        };
        into.push(arg.clone());
        let takes_value = long.is_some_and(|name| {
            let owner = subcommand(&top, &args[i + 1..]);
            [Some(&top), owner.as_ref()]
                .into_iter()
                .flatten()
                .find_map(|cmd| find_long(cmd, name))
                .is_some_and(|a| a.get_action().takes_values())
        });
        if takes_value && !inline {
            if let Some(value) = args.get(i + 1) {
                into.push(value.clone());
                i += 1;
            }
        }
        i += 1;
    }
    let Some(sub) = args.get(i) else {
        return args;
    };
    if moved.is_empty() || top.find_subcommand(sub).is_none() {
        return args;
    }
    let mut out = vec![args[0].clone()];
    out.extend(kept);
    out.push(sub.clone());
    out.extend(moved);
    out.extend(args[i + 1..].iter().cloned());
    out
}

/// The subcommand named by the first word of `rest` that is not an option or its value.
fn subcommand(top: &Command, rest: &[OsString]) -> Option<Command> {
    rest.iter().find_map(|a| top.find_subcommand(a)).cloned()
}

fn find_long<'a>(cmd: &'a Command, name: &str) -> Option<&'a clap::Arg> {
    cmd.get_arguments().find(|a| a.get_long() == Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hoisted(line: &str) -> String {
        let args = line.split(' ').map(OsString::from).collect();
        let out: Vec<String> = hoist(args)
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        out.join(" ")
    }

    #[test]
    fn connection_options_before_the_command_move_behind_it() {
        assert_eq!(
            hoisted("tr --url http://x --output json --user=u submit a.xml"),
            "tr --output json submit --url http://x --user=u a.xml"
        );
        assert_eq!(
            hoisted("tr --retries 2 run get 1"),
            "tr run --retries 2 get 1"
        );
        assert_eq!(hoisted("tr --url x plan get P5"), "tr plan --url x get P5");
        assert_eq!(
            hoisted("tr --url x rerun --run-id 3"),
            "tr rerun --url x --run-id 3"
        );
        // Nothing to move, or nowhere to move it: left for clap to judge.
        assert_eq!(hoisted("tr -v submit a.xml"), "tr -v submit a.xml");
        assert_eq!(hoisted("tr --url x"), "tr --url x");
        // `demo` has no --url: left in place for clap to refuse.
        assert_eq!(hoisted("tr --url x demo"), "tr --url x demo");
    }
}

//! A binding: which key (with which modifiers, on repeat or not, while
//! typing or not, with another key held) asks for which action, and the
//! help rows that group bindings with the words people use for them.

use egui::{Key, Modifiers};
/// What sets a binding off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trigger {
    Key(Key),
    /// A typed character ("?" has no key of its own on most layouts).
    Text(char),
    /// Acts while the key is down, not when it is pressed.
    Held(Key),
}

/// Which modifiers a binding wants. `Plain` ignores Shift, as editors do
/// (Shift+L still shuttles), unless a Shift binding for the key exists:
/// the more particular binding wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mods {
    /// Any modifiers at all.
    Any,
    /// No Ctrl/Cmd, no Alt.
    Plain,
    /// Shift, without Ctrl/Cmd or Alt.
    Shift,
    /// No Ctrl/Cmd; Shift and Alt do not matter.
    NoCommand,
    /// Ctrl (Cmd on a Mac), with or without Shift.
    Command,
    CommandShift,
    /// Alt, without Ctrl/Cmd.
    Alt,
}

impl Mods {
    pub(super) fn accepts(self, m: Modifiers) -> bool {
        match self {
            Mods::Any => true,
            Mods::Plain => !m.command && !m.alt,
            Mods::Shift => m.shift && !m.command && !m.alt,
            Mods::NoCommand => !m.command,
            Mods::Command => m.command,
            Mods::CommandShift => m.command && m.shift,
            Mods::Alt => m.alt && !m.command,
        }
    }

    /// How much a binding asks for; the most particular match wins.
    pub(super) fn particularity(self) -> u8 {
        match self {
            Mods::Any | Mods::NoCommand => 0,
            Mods::Plain | Mods::Command => 1,
            Mods::Shift | Mods::CommandShift | Mods::Alt => 2,
        }
    }

    /// The modifier names a help row must mention for this binding.
    #[cfg(test)]
    pub(super) fn names(self) -> &'static [&'static str] {
        match self {
            Mods::Any | Mods::Plain | Mods::NoCommand => &[],
            Mods::Shift => &["Shift"],
            Mods::Command => &["Ctrl"],
            Mods::CommandShift => &["Ctrl", "Shift"],
            Mods::Alt => &["Alt"],
        }
    }
}

/// One key (with modifiers) and what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Binding<A> {
    pub trigger: Trigger,
    pub mods: Mods,
    pub action: A,
    /// Also acts on auto-repeat while held (frame steps); one press only
    /// otherwise (a clicker held down must not race through a reel).
    pub repeats: bool,
    /// Still acts while a text field has the keyboard (Ctrl+S, F1, Esc).
    pub while_typing: bool,
    /// Acts only while this other key is down (K+J, K+L).
    pub with_held: Option<Key>,
}

pub(super) const fn bind<A>(trigger: Trigger, mods: Mods, action: A) -> Binding<A> {
    Binding {
        trigger,
        mods,
        action,
        repeats: false,
        while_typing: false,
        with_held: None,
    }
}

pub(super) const fn plain<A>(key: Key, action: A) -> Binding<A> {
    bind(Trigger::Key(key), Mods::Plain, action)
}

impl<A> Binding<A> {
    pub(super) const fn repeating(mut self) -> Self {
        self.repeats = true;
        self
    }

    pub(super) const fn typing_too(mut self) -> Self {
        self.while_typing = true;
        self
    }

    pub(super) const fn while_held(mut self, key: Key) -> Self {
        self.with_held = Some(key);
        self
    }
}

/// A line of the help: the keys as people say them, what they do, and
/// the bindings behind it.
pub(crate) struct Row<A: 'static> {
    pub keys: &'static str,
    pub what: &'static str,
    /// The presenter view's one-line reminder ("Space play/pause"); empty
    /// for a row it leaves out.
    pub brief: &'static str,
    pub bindings: &'static [Binding<A>],
}

/// A help row the presenter's reminder line leaves out.
pub(super) const fn row<A>(
    keys: &'static str,
    what: &'static str,
    bindings: &'static [Binding<A>],
) -> Row<A> {
    briefly("", keys, what, bindings)
}

/// A help row that also stands, as `brief`, in the presenter's reminder.
pub(super) const fn briefly<A>(
    brief: &'static str,
    keys: &'static str,
    what: &'static str,
    bindings: &'static [Binding<A>],
) -> Row<A> {
    Row {
        keys,
        what,
        brief,
        bindings,
    }
}

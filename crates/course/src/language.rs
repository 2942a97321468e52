//! The learner's language for hints. Each exercise has `hint.md` in English, and beside
//! it `hint.ko.md` (Korean) and `hint.zh-TW.md` (Traditional Chinese), the languages of
//! the two articles the course re-tells.

use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    English,
    Korean,
    TraditionalChinese,
}

impl Language {
    /// What `--lang=` accepts, for messages.
    pub const CHOICES: &'static str = "en, ko or zh-TW";

    /// A `--lang=` value: `en`, `ko`, `zh-TW` (any case, `_` for `-`, `zh` alone too).
    pub fn parse(value: &str) -> Option<Language> {
        match value.to_ascii_lowercase().replace('_', "-").as_str() {
            "en" => Some(Language::English),
            "ko" => Some(Language::Korean),
            "zh-tw" | "zh" => Some(Language::TraditionalChinese),
            _ => None,
        }
    }

    /// The language a locale name such as `ko_KR.UTF-8` asks for; any Chinese locale
    /// gets Traditional Chinese, the only Chinese the course has. `None` for the
    /// others (`C`, `en_US.UTF-8`, `de_DE`): they read English.
    pub fn from_locale(locale: &str) -> Option<Language> {
        let language = locale.split(['_', '-', '.', '@']).next().unwrap_or("");
        match language.to_ascii_lowercase().as_str() {
            "ko" => Some(Language::Korean),
            "zh" => Some(Language::TraditionalChinese),
            _ => None,
        }
    }

    /// The learner's language as the environment says it, in POSIX's order: the first
    /// of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty decides.
    pub fn from_env() -> Language {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .and_then(|locale| Language::from_locale(&locale))
            .unwrap_or(Language::English)
    }

    fn suffix(self) -> &'static str {
        match self {
            Language::English => "",
            Language::Korean => ".ko",
            Language::TraditionalChinese => ".zh-TW",
        }
    }

    /// The hint file in this language inside an exercise's folder; English when that
    /// exercise has no translation yet.
    pub fn hint_in(self, dir: &Path) -> PathBuf {
        let translated = dir.join(format!("hint{}.md", self.suffix()));
        if translated.exists() {
            translated
        } else {
            dir.join("hint.md")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Language::{self, *};

    #[test]
    fn locales_name_their_language() {
        assert_eq!(Language::from_locale("ko_KR.UTF-8"), Some(Korean));
        assert_eq!(
            Language::from_locale("zh_TW.UTF-8"),
            Some(TraditionalChinese)
        );
        assert_eq!(Language::from_locale("zh_HK"), Some(TraditionalChinese));
        assert_eq!(Language::from_locale("en_US.UTF-8"), None);
        assert_eq!(Language::from_locale("C"), None);
        assert_eq!(Language::from_locale("kok_IN"), None);
    }

    #[test]
    fn flags_take_the_usual_spellings() {
        assert_eq!(Language::parse("zh-TW"), Some(TraditionalChinese));
        assert_eq!(Language::parse("zh_tw"), Some(TraditionalChinese));
        assert_eq!(Language::parse("KO"), Some(Korean));
        assert_eq!(Language::parse("en"), Some(English));
        assert_eq!(Language::parse("fr"), None);
    }
}

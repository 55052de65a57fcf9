//! The parent's handout: one self-contained HTML page (stills embedded as
//! data URIs) that prints on A4. Only parent-facing words go in: the reel's
//! title card, the date and each still's caption. Never notes, codes, clip
//! or file names.

use base64::Engine as _;
use chrono::NaiveDate;

pub(crate) struct Entry {
    pub png: Vec<u8>,
    pub caption: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; color: #3b302a;
  background: #fffaf3; margin: 0 auto; max-width: 182mm; padding: 8mm 0; }
h1 { font-weight: normal; color: #8a4f2a; font-size: 22pt; margin: 0 0 2mm; text-align: center; }
.date { text-align: center; color: #8c7a6b; margin: 0 0 8mm; font-size: 11pt; }
.stills { display: grid; grid-template-columns: 1fr 1fr; gap: 7mm; }
figure { margin: 0; background: #fff; border-radius: 4mm; padding: 3mm;
  box-shadow: 0 0.5mm 2mm rgba(120, 80, 50, 0.15); break-inside: avoid; }
img { width: 100%; max-height: 95mm; object-fit: contain; border-radius: 2.5mm; display: block; }
figcaption { font-size: 12.5pt; line-height: 1.4; padding: 3mm 1mm 1mm; text-align: center; }
@media print { body { background: #fff; padding: 0; } figure { box-shadow: none; border: 0.3mm solid #eadccd; } }";

/// The handout page.
pub(crate) fn html(title: Option<&str>, date: NaiveDate, entries: &[Entry]) -> String {
    let title = escape(title.unwrap_or("Moments together"));
    let mut figures = String::new();
    for (i, e) in entries.iter().enumerate() {
        let data = base64::engine::general_purpose::STANDARD.encode(&e.png);
        figures.push_str(&format!(
            "<figure><img src=\"data:image/png;base64,{data}\" alt=\"Moment {n}\">\
             <figcaption>{}</figcaption></figure>\n",
            escape(&e.caption),
            n = i + 1
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>{STYLE}</style></head>\n<body>\
         <h1>{title}</h1><p class=\"date\">{}</p>\n<div class=\"stills\">\n{figures}</div>\
         </body></html>\n",
        date.format("%-d %B %Y")
    )
}

//! Reading packets, and the packet index: the video stream's timestamps and
//! keyframes, read by demuxing alone (no decoding).

use std::ops::ControlFlow;

use ffmpeg::Packet;
use ffmpeg_next as ffmpeg;

use super::Input;

/// AV_PKT_FLAG_DISCARD: frames the edit list hides; never presented.
const PKT_FLAG_DISCARD: i32 = 0x4;

impl Input {
    /// Reads the next packet of any stream; `Ok(None)` at the end.
    ///
    /// A fresh packet per read: av_read_frame does not release what a
    /// reused packet held, so reusing one leaks every packet's data.
    pub(crate) fn read_packet(&mut self) -> Result<Option<Packet>, ffmpeg::Error> {
        let mut packet = Packet::empty();
        match packet.read(&mut self.ctx) {
            Ok(()) => Ok(Some(packet)),
            Err(ffmpeg::Error::Eof) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every packet with its stream index, skipping single corrupt packets
    /// and ending at the first other error (ffmpeg-next's own iteration),
    /// for readers that settle for what can be read.
    pub(crate) fn packets(&mut self) -> impl Iterator<Item = (usize, Packet)> + '_ {
        self.ctx.packets().map(|(s, p)| (s.index(), p))
    }
}

/// One video packet as the index sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PacketEntry {
    pub pts: Option<i64>,
    pub dts: Option<i64>,
    pub key: bool,
    /// Hidden by the edit list: demuxed but never presented.
    pub discard: bool,
}

impl PacketEntry {
    fn of(packet: &Packet) -> Self {
        Self {
            pts: packet.pts(),
            dts: packet.dts(),
            key: packet.is_key(),
            // ffmpeg-next's `Flags` knows only KEY and CORRUPT and drops
            // the other bits, DISCARD among them; read the raw field.
            // SAFETY: `packet` wraps a valid AVPacket; one integer is read.
            discard: unsafe { (*ffmpeg::packet::Ref::as_ptr(packet)).flags } & PKT_FLAG_DISCARD
                != 0,
        }
    }
}

/// How a packet scan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScanEnd {
    /// Every packet was read.
    Finished,
    /// The visitor asked to stop.
    Stopped,
    /// Reading failed before the end (a truncated or damaged file).
    Failed(ffmpeg::Error),
}

/// Visits every packet of stream `stream` in file order, reading until the
/// end, a read error, or the visitor breaks.
pub(crate) fn scan(
    input: &mut Input,
    stream: usize,
    mut visit: impl FnMut(PacketEntry) -> ControlFlow<()>,
) -> ScanEnd {
    loop {
        match input.read_packet() {
            Ok(Some(packet)) if packet.stream() == stream => {
                if visit(PacketEntry::of(&packet)).is_break() {
                    return ScanEnd::Stopped;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => return ScanEnd::Finished,
            Err(e) => return ScanEnd::Failed(e),
        }
    }
}

/// Like [`scan`], but read the way [`Input::packets`] does: a single corrupt
/// packet is skipped and any other error ends the scan like the end of the
/// file, for an index that settles for what can be read.
pub(crate) fn scan_lenient(
    input: &mut Input,
    stream: usize,
    mut visit: impl FnMut(PacketEntry) -> ControlFlow<()>,
) {
    for (index, packet) in input.packets() {
        if index == stream && visit(PacketEntry::of(&packet)).is_break() {
            return;
        }
    }
}

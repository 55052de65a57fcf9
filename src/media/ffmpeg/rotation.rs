//! The clip's display rotation, read once for everyone: what `attune probe`
//! reports is what playback, thumbnails and the reel show.

use ffmpeg_next as ffmpeg;

/// Phone footage is stored sideways with a display matrix saying how to
/// turn it. Returns the clockwise turn, snapped to a quarter.
pub(super) fn rotation_of(stream: &ffmpeg::format::stream::Stream) -> u16 {
    use ffmpeg::codec::packet::side_data::Type;
    if let Some(turn) = stream
        .side_data()
        .filter(|side| side.kind() == Type::DisplayMatrix)
        .find_map(|side| rotation_from_matrix(side.data()))
    {
        return turn;
    }
    stream
        .metadata()
        .get("rotate")
        .and_then(|r| r.parse::<i32>().ok())
        .map(|r| (r.rem_euclid(360) as u16 / 90) * 90)
        .unwrap_or(0)
}

/// The clockwise turn a 3x3 display matrix (nine 16.16 fixed-point i32 in
/// native byte order) describes, or None when it is too short or degenerate.
fn rotation_from_matrix(data: &[u8]) -> Option<u16> {
    if data.len() < 36 {
        return None;
    }
    let m = |i: usize| {
        let b = [
            data[4 * i],
            data[4 * i + 1],
            data[4 * i + 2],
            data[4 * i + 3],
        ];
        f64::from(i32::from_ne_bytes(b)) / 65536.0
    };
    let (s0, s1) = (m(0).hypot(m(3)), m(1).hypot(m(4)));
    if s0 == 0.0 || s1 == 0.0 {
        return None;
    }
    // Same maths as av_display_rotation_get, whose result is
    // counter-clockwise; negate it for the clockwise turn.
    let ccw = -(m(1) / s1).atan2(m(0) / s0).to_degrees();
    let cw = (-ccw).rem_euclid(360.0);
    Some(((cw / 90.0).round() as u16 % 4) * 90)
}

#[cfg(test)]
mod tests {
    use super::rotation_from_matrix;

    fn matrix(a: i32, b: i32, c: i32, d: i32) -> Vec<u8> {
        let vals = [a, b, 0, c, d, 0, 0, 0, 1 << 30];
        vals.iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    #[test]
    fn display_matrix_rotations() {
        let one = 1 << 16;
        assert_eq!(rotation_from_matrix(&matrix(one, 0, 0, one)), Some(0));
        // Phone portrait footage: matrix [0 1; -1 0] means 90 degrees clockwise.
        assert_eq!(rotation_from_matrix(&matrix(0, one, -one, 0)), Some(90));
        assert_eq!(rotation_from_matrix(&matrix(0, -one, one, 0)), Some(270));
        assert_eq!(rotation_from_matrix(&matrix(-one, 0, 0, -one)), Some(180));
        // Scaled matrices turn the same way.
        assert_eq!(
            rotation_from_matrix(&matrix(0, 2 * one, -2 * one, 0)),
            Some(90)
        );
        assert_eq!(rotation_from_matrix(&matrix(0, 0, 0, 0)), None);
        assert_eq!(rotation_from_matrix(&[0; 12]), None);
    }
}

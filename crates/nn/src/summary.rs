//! `Sequential::summary`: the Keras-style table of layers, shapes and parameter counts.

use crate::Sequential;

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` f32 values as a size: `19.00 KB`, as Keras prints it.
fn size(n: usize) -> String {
    let bytes = n as f64 * 4.0;
    if bytes < 1024.0 {
        format!("{bytes:.2} B")
    } else if bytes < 1024.0 * 1024.0 {
        format!("{:.2} KB", bytes / 1024.0)
    } else {
        format!("{:.2} MB", bytes / (1024.0 * 1024.0))
    }
}

impl Sequential {
    /// The model as a table, like Keras's `model.summary()`: each layer's name and type,
    /// output shape (`None` is the batch) and parameter count, then the total, trainable
    /// and non-trainable counts. Output shapes are `?` until the model is built.
    ///
    /// ```
    /// use gradus_nn::{Dense, Dropout, Sequential};
    /// use gradus_tensor::Activation;
    /// let mut m = Sequential::new();
    /// m.add(Dense::new(64).activation(Activation::Relu));
    /// m.add(Dropout::new(0.5));
    /// m.add(Dense::new(1));
    /// m.build(&[10], 0).unwrap();
    /// let s = m.summary();
    /// assert!(s.contains("│ dense (Dense)"));
    /// assert!(s.contains("(None, 64)"));
    /// assert!(s.contains(" Total params: 769 (3.00 KB)"));
    /// ```
    pub fn summary(&self) -> String {
        let mut rows: Vec<[String; 3]> = Vec::new();
        for (i, (layer, name)) in self.layers.iter().zip(&self.names).enumerate() {
            let shape = match &self.built {
                Some(b) => {
                    let dims: Vec<String> = b.outputs[i].iter().map(usize::to_string).collect();
                    format!("(None, {})", dims.join(", "))
                }
                None => "?".into(),
            };
            let params: usize = layer.params().iter().map(|p| p.value.len()).sum();
            rows.push([
                format!("{name} ({})", layer.config().type_name()),
                shape,
                thousands(params),
            ]);
        }
        let header = [
            "Layer (type)".to_string(),
            "Output Shape".into(),
            "Param #".into(),
        ];
        let mut w = [0usize; 3];
        for r in rows.iter().chain(std::iter::once(&header)) {
            for (wi, cell) in w.iter_mut().zip(r) {
                *wi = (*wi).max(cell.chars().count());
            }
        }
        let line = |l: &str, m: &str, r: &str, fill: &str| {
            let parts: Vec<String> = w.iter().map(|&n| fill.repeat(n + 2)).collect();
            format!("{l}{}{r}\n", parts.join(m))
        };
        let cells = |r: &[String; 3], edge: &str| {
            format!(
                "{edge} {:<a$} {edge} {:<b$} {edge} {:>c$} {edge}\n",
                r[0],
                r[1],
                r[2],
                a = w[0],
                b = w[1],
                c = w[2]
            )
        };
        let mut s = String::from("Model: \"sequential\"\n");
        s += &line("┏", "┳", "┓", "━");
        s += &cells(&header, "┃");
        s += &line("┡", "╇", "┩", "━");
        for r in &rows {
            s += &cells(r, "│");
        }
        s += &line("└", "┴", "┘", "─");
        let (trainable, frozen) = self.count_params();
        s += &format!(
            " Total params: {} ({})\n",
            thousands(trainable + frozen),
            size(trainable + frozen)
        );
        s += &format!(
            " Trainable params: {} ({})\n",
            thousands(trainable),
            size(trainable)
        );
        s += &format!(
            " Non-trainable params: {} ({})\n",
            thousands(frozen),
            size(frozen)
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(704), "704");
        assert_eq!(size(4865), "19.00 KB");
        assert_eq!(size(10), "40.00 B");
    }
}

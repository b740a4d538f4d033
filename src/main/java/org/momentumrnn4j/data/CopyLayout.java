package org.momentumrnn4j.data;

/**
 * Where the copy task puts its marker (spec tasks.md §7). Both layouts have {@code T + 20} steps, the data
 * symbols at steps {@code 0..9} and the recalled symbols as targets at steps {@code T+10 .. T+19}.
 */
public enum CopyLayout {
    /**
     * Arjovsky et al. 2016 (the default): {@code T − 1} blanks at {@code 10 .. T+8}, the marker at
     * {@code T+9}, then 10 blanks; the first symbol is due one step after the marker.
     */
    STANDARD,
    /**
     * expRNN / DTRIV {@code 1_copying.py}: {@code T} blanks at {@code 10 .. T+9}, the marker at {@code T+10},
     * then 9 blanks; the first symbol is due at the marker step itself.
     */
    EXPRNN
}

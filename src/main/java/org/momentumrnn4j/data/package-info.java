/**
 * Data sets as indexable collections of sequences, batched {@code [batch, time, features]}.
 *
 * <ul>
 *   <li>{@link org.momentumrnn4j.data.Dataset}, {@link org.momentumrnn4j.data.Batch},
 *       {@link org.momentumrnn4j.data.Target}: the API; {@link org.momentumrnn4j.data.BatchIterator}: one
 *       (optionally seeded-shuffled) epoch;</li>
 *   <li>generated tasks: {@link org.momentumrnn4j.data.CopyTask} (spec §7, layouts
 *       {@link org.momentumrnn4j.data.CopyLayout}) and {@link org.momentumrnn4j.data.AddingTask} (spec §8);
 *       sample {@code i} is a pure function of {@code (seed, i)};</li>
 *   <li>{@link org.momentumrnn4j.data.SequentialImages}: pixel/row MNIST and Fashion-MNIST from IDX files
 *       ({@link org.momentumrnn4j.io.IdxReader}), with an optional
 *       {@link org.momentumrnn4j.data.Permutation} (PMNIST);</li>
 *   <li>{@link org.momentumrnn4j.data.Split} / {@link org.momentumrnn4j.data.Subset}: seeded train/validation
 *       splits;</li>
 *   <li>{@link org.momentumrnn4j.data.Padding} / {@link org.momentumrnn4j.data.VariableLengthDataset}:
 *       sequences of different lengths, padded per batch with a
 *       {@link org.momentumrnn4j.sequence.SequenceMask}.</li>
 * </ul>
 *
 * <p>Arrays are created in {@code FLOAT} unless a {@code DataType} is given; every random source has the
 * default seed {@code 12345L}.
 */
package org.momentumrnn4j.data;

package org.momentumrnn4j.sequence;

import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellState;

/**
 * The result of running a layer over a sequence: all outputs {@code [batch, time, hidden]} (or
 * {@code [time, batch, hidden]} for a time-major layer) and the state after the last step.
 */
public record SequenceOutput(Tensor output, CellState finalState) {}

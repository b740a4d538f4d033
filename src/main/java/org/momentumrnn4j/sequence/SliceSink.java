package org.momentumrnn4j.sequence;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sweep that can write its per-sample results into arrays given by the caller instead of new ones: the
 * {@link BatchSplitSweep} hands each slice the rows of the whole batch's arrays (contiguous: the batch is the
 * leading dimension), so the slices' results need no concatenation, which costs an allocation and a copy of
 * every output.
 */
interface SliceSink {
    /**
     * Destinations for the next forward's outputs ({@code Y} and the final state slots) and the next backward's
     * per-sample gradients ({@code δx} and the initial state slots), by output index; a null array or a null
     * entry means "allocate as usual". Each destination must have exactly the shape and data type of that result.
     */
    void writeInto(INDArray[] forwardOutputs, INDArray[] backwardGradients);
}

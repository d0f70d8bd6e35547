package org.chimp.chain.sequencer;

import java.math.BigInteger;
import org.chimp.chain.OracleCalls.ChainModel;

/**
 * Runs a model registered on chain on a job's input, both in the task's chain encoding (image tasks take the image
 * bytes; classification output is the JSON {@code /infer} returns; {@code game-move} takes 9 board bytes and
 * returns one). Throws {@link ModelFailure} when the input or the model cannot give an output (failed on chain);
 * any other exception is taken as transient and the job is retried.
 */
@FunctionalInterface
public interface ChainInference {
    byte[] run(ChainModel model, byte[] input, BigInteger seed) throws Exception;
}

package org.chimp.chain.sequencer;

/** The model could not produce an output for this input: the job is failed on chain and the requester refunded. */
public final class ModelFailure extends Exception {
    public ModelFailure(String message) {
        super(message);
    }
}

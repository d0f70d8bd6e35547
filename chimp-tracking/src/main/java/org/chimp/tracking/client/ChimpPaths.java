package org.chimp.tracking.client;

/**
 * The paths of CHIMP's own registry endpoints next to MLflow's API: the contract the remote client and the server's
 * routes share, kept on the client's side so that a client pulls in no server class.
 */
public final class ChimpPaths {
    /** Registers a run's model files as a new version with a CHIMP model config. */
    public static final String REGISTER_MODEL = "/api/2.0/chimp/models/register";
    /** Puts the previous Production version back in Production. */
    public static final String ROLLBACK = "/api/2.0/chimp/models/rollback";

    private ChimpPaths() {
    }
}

package org.chimp.http;

/**
 * How an error body looks on some paths. CHIMP's own shape is the default; a module whose API copies another
 * product (MLflow's REST API) answers in that product's shape on its paths, for every error, including those
 * raised before its handlers run (auth, oversized bodies, Jetty's own 400s).
 */
public interface ErrorFormat {
    /** Whether requests to this path get this format. */
    boolean appliesTo(String path);

    /** The JSON body of an error with this status and message. */
    Object body(int status, String message);
}

package org.chimp.models.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.chimp.api.error.ClientErrorException;

/**
 * The one ONNX Runtime environment of the JVM and the session options CHIMP opens models with. Public so that
 * every built-in architecture (the classifier, the diffusion pipeline) opens its files the same way.
 */
public final class OnnxSessions {
    /** System property with ONNX Runtime's intra-op thread count per session. */
    static final String THREADS_PROPERTY = "chimp.onnx.intraOpThreads";

    private OnnxSessions() {
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** Opens a model file; a file ONNX Runtime cannot read is the config's fault, so a 400. */
    public static OrtSession open(Path file) {
        return open(file, "weights", false);
    }

    /**
     * Opens the model file of the named artifact, on the CPU or, with {@code preferCuda}, on CUDA device 0 when this
     * ONNX Runtime build has the CUDA provider and it starts (the CPU jar has none, a machine may lack the driver):
     * then the CPU provider runs whatever CUDA cannot.
     */
    public static OrtSession open(Path file, String artifact, boolean preferCuda) {
        try (OrtSession.SessionOptions options = options()) {
            if (preferCuda) {
                addCudaIfPresent(options);
            }
            return environment().createSession(file.toString(), options);
        } catch (OrtException e) {
            // ONNX Runtime's message names the local file it read: only its error code goes to the caller.
            throw ClientErrorException.invalid("The '" + artifact + "' artifact is not a model ONNX Runtime can load (" + e.getCode() + ")", e);
        }
    }

    /** Builds a model on an open session, checking that the model fits; reading the session may fail. */
    @FunctionalInterface
    public interface Fit<T> {
        T build(OrtSession session) throws OrtException;
    }

    /**
     * Opens a model file ({@link #open(Path)}) and builds a model on the session with {@code fit}. When the model
     * does not fit (any exception), the session is closed before the exception goes on, so a rejected model leaves
     * no native memory behind; an {@link OrtException} from reading the session is a 400 about {@code subject}
     * ("The ONNX model", "The image encoder").
     */
    public static <T> T openAndFit(Path file, String subject, Fit<T> fit) {
        OrtSession session = open(file);
        try {
            return fit.build(session);
        } catch (OrtException e) {
            close(session);
            throw ClientErrorException.invalid(subject + "'s inputs and outputs could not be read (" + e.getCode() + ")", e);
        } catch (RuntimeException e) {
            close(session);
            throw e;
        }
    }

    /** True if the CUDA provider was added. */
    static boolean addCudaIfPresent(OrtSession.SessionOptions options) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return false;
        }
        try {
            options.addCUDA(0);
            return true;
        } catch (OrtException | RuntimeException | LinkageError e) {
            return false; // no usable GPU or CUDA library here: the CPU provider stays
        }
    }

    /**
     * One intra-op thread by default: a serving process runs many requests at once, so on a 2-core server the
     * requests themselves already keep both cores busy, and a per-session pool would only make threads compete
     * (and spin) while adding hand-off cost to small classifiers that take well under a millisecond. Big models on
     * big machines raise it with {@code -Dchimp.onnx.intraOpThreads=N}.
     */
    static OrtSession.SessionOptions options() throws OrtException {
        int threads = Integer.getInteger(THREADS_PROPERTY, 1);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Math.max(1, threads));
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (threads > 1) {
            // Idle pool threads would otherwise busy-wait and steal CPU from concurrent requests.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
        return options;
    }

    /** Closes a session, for callers that opened one and then found the model does not fit. */
    public static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Could not close the ONNX session: " + e.getMessage(), e);
        }
    }
}

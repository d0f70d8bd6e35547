package org.chimp.emotion.cnn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loading DJL's PyTorch engine, offline: the native library comes from the {@code pytorch-native-cpu} jar on the
 * class path and is unpacked under {@code DJL_CACHE_DIR} (default {@code ~/.djl.ai}); nothing is downloaded.
 */
public final class Torch {
    /** The engine name DJL knows PyTorch by. */
    public static final String ENGINE = "PyTorch";
    private static final Logger LOG = LoggerFactory.getLogger(Torch.class);
    /**
     * PyTorch's random generator is global to the process, so trainings take turns: a seeded run must not have its
     * draws interleaved with another's (and two trainings on the same cores would not be faster anyway). Public for
     * chimp-bench's bare DJL loop, which must take its turn too.
     */
    public static final ReentrantLock TRAINING = new ReentrantLock();

    private Torch() {
    }

    /**
     * The PyTorch engine; {@code ai.djl.offline} is set first so DJL never tries the network. A machine the bundled
     * native library does not fit gets an error that says so instead of DJL's download failure.
     */
    public static synchronized Engine engine() {
        System.setProperty("ai.djl.offline", "true");
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // The cause names local paths: logged for the operator, left out of the message a caller sees.
            LOG.error("PyTorch did not load", e);
            throw new IllegalStateException("The emotion-cnn plugin could not load PyTorch: CHIMP bundles its native "
                    + "library for linux-x86_64 (CPU) only, this machine is " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + "; see the server log", e);
        }
    }

    /** The first GPU when the engine sees one, else the CPU. */
    public static Device device(Engine engine) {
        return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** The 32-bit seed PyTorch takes, folded from the 64-bit run seed. */
    static int seed(long seed) {
        return (int) (seed ^ (seed >>> 32));
    }
}

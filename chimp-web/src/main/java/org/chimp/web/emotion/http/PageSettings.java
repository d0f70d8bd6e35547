package org.chimp.web.emotion.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import org.chimp.web.emotion.Corrections;
import org.chimp.web.emotion.FrameLimits;
import org.chimp.web.identity.Secrets;

/**
 * What the emotion page needs to know about its user and server ({@code GET /api/2.0/chimp/emotion/settings}):
 * who is signed in, the model that answers, where calibration frames and corrections go, and the socket's limits.
 */
record PageSettings(String user, String model, String socket, @JsonProperty("calibration_dataset") String calibrationDataset,
                    @JsonProperty("calibration_plugin") String calibrationPlugin,
                    @JsonProperty("corrections_dataset") String correctionsDataset,
                    @JsonProperty("corrections_path") String correctionsPath, List<String> emotions,
                    @JsonProperty("max_fps") int maxFps, @JsonProperty("max_frame_bytes") int maxFrameBytes) {

    /** The training plugin that makes a personal model. */
    static final String CALIBRATION_PLUGIN = "emotion-calibration";

    static PageSettings of(String user, String model, FrameLimits limits) {
        return new PageSettings(user, model, LiveFaces.PATH, calibrationDataset(user), CALIBRATION_PLUGIN, Corrections.DATASET,
                EmotionRoutes.CORRECTIONS, Corrections.EMOTIONS, limits.maxFps(), limits.maxFrameBytes());
    }

    /**
     * The dataset a user's calibration frames go to, {@code calibration-<user>}: user names may hold {@code @} and
     * be 64 characters long, dataset names may not, so such a name gets a short hash of itself instead (users' names
     * are unique without regard to case, and so are these).
     */
    static String calibrationDataset(String user) {
        String key = user.toLowerCase(Locale.ROOT);
        String plain = "calibration-" + key;
        if (plain.length() <= 64 && key.matches("[a-z0-9][a-z0-9._-]*")) {
            return plain;
        }
        String hash = Secrets.sha256(key).substring(0, 8);
        String safe = key.replaceAll("[^a-z0-9._-]", "_");
        return "calibration-" + safe.substring(0, Math.min(safe.length(), 40)) + "-" + hash;
    }
}

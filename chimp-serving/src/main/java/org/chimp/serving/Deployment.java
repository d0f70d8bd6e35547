package org.chimp.serving;

import org.chimp.api.Model;
import org.chimp.api.classification.Classification;
import org.chimp.api.image.Image;
import org.chimp.tracking.registry.ModelVersion;

/** A registered model version together with the model built from it. */
public record Deployment(ModelVersion version, Model<Image, Classification> model) {
}

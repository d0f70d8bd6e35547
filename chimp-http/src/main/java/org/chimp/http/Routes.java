package org.chimp.http;

import io.javalin.Javalin;

/** A group of endpoints a service module contributes; the server adds every group to one or more Javalin apps. */
@FunctionalInterface
public interface Routes {
    /** Registers this group's handlers. */
    void addTo(Javalin app);
}

package org.chimp.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** Who a worker is: {@code host-pid-random}, unique even for several workers in one process. */
record WorkerIdentity(String id, String host, long pid) {
    static WorkerIdentity create() {
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        return new WorkerIdentity(host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8), host, pid);
    }

    /** The HOSTNAME variable first: a reverse lookup can take seconds on a badly configured machine. */
    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

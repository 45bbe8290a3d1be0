package org.hakmem.netty;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns Netty's leak tracking off for a test class. The build runs tests at PARANOID, which records a
 * stack trace on every buffer access: right for the contract suites, but it would turn byte-by-byte
 * stress tests into tests of the leak detector. Those tests check their own releases instead
 * (usedDirectMemory back to where it started).
 */
final class WithoutLeakTracking implements BeforeAllCallback, AfterAllCallback {
    /**
     * The level is global and Netty's test jar turns on parallel execution, so classes that change it
     * hold this lock (READ_WRITE) and classes that need PARANOID hold it to read: no class ever sees
     * another's level.
     */
    static final String LEVEL = "io.netty.leakDetection.level";

    private ResourceLeakDetector.Level saved;

    @Override
    public void beforeAll(ExtensionContext context) {
        saved = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ResourceLeakDetector.setLevel(saved);
    }
}

/*
 * HakmemBootstraps: one call to make an allocator the allocator of a Netty bootstrap.
 *
 * Null is refused here because Netty's option(key, null) removes the option: a null allocator would
 * silently take away the allocator set before, and the channels would get Netty's default one.
 */
package org.hakmem.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.util.Objects;

/**
 * Makes an allocator the allocator of a Netty bootstrap's channels, by setting
 * {@link ChannelOption#ALLOCATOR}, replacing any allocator set there before. Call it while setting the
 * bootstrap up, before it binds or connects, and after {@code group(...)}: a netty-hakmem allocator
 * then also watches the bootstrap's event loop groups ({@link HakmemByteBufAllocator#watchEventLoops}),
 * so that an event loop whose buffers other threads released does not keep their memory while it
 * idles. Every method returns the bootstrap it was given, for chaining. Null arguments are refused: Netty would take a null allocator as "remove the option".
 */
public final class HakmemBootstraps {
    private HakmemBootstraps() {
    }

    /**
     * Sets {@link HakmemByteBufAllocator#DEFAULT} on the server channel and on every accepted child
     * channel.
     *
     * @param bootstrap the server bootstrap to set up
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} is null
     */
    public static ServerBootstrap use(ServerBootstrap bootstrap) {
        return use(bootstrap, HakmemByteBufAllocator.DEFAULT);
    }

    /**
     * Sets {@code allocator} on the server channel and on every accepted child channel.
     *
     * @param bootstrap the server bootstrap to set up
     * @param allocator the allocator its channels use
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} or {@code allocator} is null
     */
    public static ServerBootstrap use(ServerBootstrap bootstrap, ByteBufAllocator allocator) {
        checkArguments(bootstrap, allocator);
        watch(allocator, bootstrap.config().group());
        watch(allocator, bootstrap.config().childGroup());
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator).childOption(ChannelOption.ALLOCATOR, allocator);
    }

    /**
     * Sets {@link HakmemByteBufAllocator#DEFAULT} on the channels a client bootstrap creates.
     *
     * @param bootstrap the client bootstrap to set up
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} is null
     */
    public static Bootstrap use(Bootstrap bootstrap) {
        return use(bootstrap, HakmemByteBufAllocator.DEFAULT);
    }

    /**
     * Sets {@code allocator} on the channels a client bootstrap creates.
     *
     * @param bootstrap the client bootstrap to set up
     * @param allocator the allocator its channels use
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} or {@code allocator} is null
     */
    public static Bootstrap use(Bootstrap bootstrap, ByteBufAllocator allocator) {
        checkArguments(bootstrap, allocator);
        watch(allocator, bootstrap.config().group());
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator);
    }

    /** Lets a netty-hakmem allocator reach the group's idle event loops (watchEventLoops), if set yet. */
    private static void watch(ByteBufAllocator allocator, EventLoopGroup group) {
        if (group != null && allocator instanceof HakmemByteBufAllocator) {
            ((HakmemByteBufAllocator) allocator).watchEventLoops(group);
        }
    }

    private static void checkArguments(Object bootstrap, ByteBufAllocator allocator) {
        Objects.requireNonNull(bootstrap, "bootstrap: null (expected: the bootstrap to set up)");
        Objects.requireNonNull(allocator, "allocator: null (expected: the allocator the channels use; Netty"
                + " would take null as removing the allocator option)");
    }
}

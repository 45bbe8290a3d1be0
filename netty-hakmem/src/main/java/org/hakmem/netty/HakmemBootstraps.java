/*
 * HakmemBootstraps: one call to make an allocator the allocator of a Netty bootstrap.
 */
package org.hakmem.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;

/**
 * Makes an allocator the allocator of a Netty bootstrap's channels, by setting
 * {@link ChannelOption#ALLOCATOR}. Call it while setting the bootstrap up, before it binds or connects;
 * every method returns the bootstrap it was given, for chaining.
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
     */
    public static ServerBootstrap use(ServerBootstrap bootstrap, ByteBufAllocator allocator) {
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator).childOption(ChannelOption.ALLOCATOR, allocator);
    }

    /**
     * Sets {@link HakmemByteBufAllocator#DEFAULT} on the channels a client bootstrap creates.
     *
     * @param bootstrap the client bootstrap to set up
     * @return {@code bootstrap}
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
     */
    public static Bootstrap use(Bootstrap bootstrap, ByteBufAllocator allocator) {
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator);
    }
}

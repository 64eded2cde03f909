/**
 * Auto-configuration of the Roundtrip transport and of the
 * {@code ClientHttpRequestFactoryBuilder} behind Spring Boot's
 * {@code RestClient.Builder}, {@code RestTemplateBuilder} and HTTP service clients,
 * configured by {@code roundtrip.transport.*}.
 */
@NullMarked
package dev.roundtrip.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;

package dev.mesoshealth.service;

/** Where a service serves /metrics and /health (and, for some, its REST API or pages). */
public record AdminAddress(String host, int port) {}

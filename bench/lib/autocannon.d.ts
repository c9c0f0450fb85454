/** The part of autocannon's API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  export interface AutocannonRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }

  export interface AutocannonOptions {
    url: string
    connections?: number
    duration?: number
    amount?: number
    timeout?: number
    /** Requests per second sent by each connection (default: back to back). */
    connectionRate?: number
    requests?: Array<AutocannonRequest & { setupRequest?: (request: AutocannonRequest) => AutocannonRequest }>
  }

  export interface AutocannonResult {
    /** Seconds. */
    duration: number
    errors: number
    timeouts: number
    non2xx: number
  }

  export interface AutocannonInstance extends PromiseLike<AutocannonResult> {
    on (event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): this
    stop (): void
  }

  export default function autocannon (options: AutocannonOptions): AutocannonInstance
}

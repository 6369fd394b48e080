// A user service with a pluggable repository; the class is hot so edits apply to live instances.

export interface User {
  readonly id: number;
  name: string;
  email: string;
  roles: readonly Role[];
}

export type Role = "admin" | "editor" | "viewer";

export interface Repository<T extends { id: number }> {
  find(id: number): Promise<T | undefined>;
  save(item: T): Promise<T>;
  all(): Promise<T[]>;
}

export class MemoryRepository<T extends { id: number }> implements Repository<T> {
  private readonly items = new Map<number, T>();
  async find(id: number) {
    return this.items.get(id);
  }
  async save(item: T) {
    this.items.set(item.id, item);
    return item;
  }
  async all() {
    return [...this.items.values()];
  }
}

/* @chaud.hot */
export class UserService {
  #nextId = 1;
  static readonly maxNameLength = 64;

  constructor(private readonly repo: Repository<User>, protected readonly now: () => number = Date.now) {}

  get nextId(): number {
    return this.#nextId;
  }

  async register(name: string, email: string, roles: Role[] = ["viewer"]): Promise<User> {
    if (name.length > UserService.maxNameLength) throw new Error(`name longer than ${UserService.maxNameLength}`);
    const user: User = { id: this.#nextId++, name, email: email.toLowerCase(), roles };
    return this.repo.save(user);
  }

  async promote(id: number, role: Role): Promise<User | undefined> {
    const user = await this.repo.find(id);
    if (!user || user.roles.includes(role)) return user;
    return this.repo.save({ ...user, roles: [...user.roles, role] });
  }

  async admins(): Promise<string[]> {
    const users = await this.repo.all();
    return users.filter((u) => u.roles.includes("admin")).map((u) => u.name);
  }

  #stamp(message: string): string {
    return `[${new Date(this.now()).toISOString()}] ${message}`;
  }

  describe(user: User): string {
    return this.#stamp(`${user.name} <${user.email}> (${user.roles.join(", ")})`);
  }

  static create(): UserService {
    return new UserService(new MemoryRepository<User>());
  }
}
